using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>ipip_rcv: pops the outer IPv4 header of a protocol-4 packet and hands the inner packet to the IPIP device.</summary>
internal sealed class IpipDecap : NamespaceElement
{
    private readonly IpipDevice _device;

    public IpipDecap(IpipDevice device) : base(device.UnderlayNamespace, device.Name + "/ipip_rcv") => _device = device;

    public override void Receive(Packet p)
    {
        long ps = Costs.IpipDecap.For(p.Length);
        if (!_device.IsUp || p.LayerCount < 2 || p.Layer(p.LayerCount - 2).Kind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        EcnCodepoint outer = p.Ipv4.Ecn;
        p.Pop(HeaderKind.Ipv4);
        ref Ipv4Header inner = ref p.Ipv4;
        inner.Ecn = TunnelEcn.Decapsulate(outer, inner.Ecn);
        Scrub(p, _device.Namespace != Namespace);
        WorkPs(p, ps, _device.RxEntry, p.Trace is null ? null : $"ipip decap → {_device.Name}");
    }
}
