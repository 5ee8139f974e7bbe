using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_receive on the device's UDP socket: identifies the peer by the outer source, decrypts, checks the inner
/// source against that peer's allowed-ips (else the packet is dropped), and delivers the inner packet to the device.
/// </summary>
internal sealed class WireGuardDecap : NamespaceElement
{
    private readonly WireGuardDevice _device;

    public WireGuardDecap(WireGuardDevice device) : base(device.UnderlayNamespace, device.Name + "/wg_receive") => _device = device;

    public override void Receive(Packet p)
    {
        long ps = Costs.WireGuardDecrypt.For(p.Length);
        int ip = p.LayerCount - 1;
        if (!_device.IsUp || ip < 3 || p.Layer(ip - 2).Kind != HeaderKind.WireGuard || p.Layer(ip - 3).Kind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        Ipv4Address from = p.Layer(ip).Ipv4.Source;
        ushort fromPort = p.Layer(ip - 1).Udp.SourcePort;
        EcnCodepoint outerEcn = p.Layer(ip).Ipv4.Ecn;
        WireGuardPeer? peer = _device.PeerAt(from);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Udp);
        p.Pop(HeaderKind.WireGuard);
        ref Ipv4Header inner = ref p.Ipv4;
        if (peer is null || _device.PeerFor(inner.Source) != peer)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost); // unknown peer or a source it may not use
            return;
        }
        peer.EndpointPort = fromPort;
        peer.RxPackets++;
        inner.Ecn = TunnelEcn.Decapsulate(outerEcn, inner.Ecn);
        Scrub(p, _device.Namespace != Namespace);
        WorkPs(p, ps, _device.RxEntry, p.Trace is null ? null : $"wireguard decrypt ← {from}");
    }
}
