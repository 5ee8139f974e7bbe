using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// The UDP tunnel socket of one port (vxlan_rcv / geneve_rcv via encap_rcv): finds the device by VNI, charges its
/// decapsulation cost, pops outer IPv4, UDP and tunnel header, carries a CE mark inward, and delivers the inner
/// Ethernet frame to the device's receive path. vxlan_rcv and geneve_rcv end in gro_cells_receive: frames the NIC's GRO
/// could not merge (a zero outer checksum on a kernel before 5.12, <see cref="NetSim.Engine.Nics.RxChecksum.TunnelGroAllowed"/>)
/// go through the device's gro_cells and are merged there; the others go straight on (a shortcut: in Linux every frame
/// passes through the cell, which changes nothing for what the NIC merged; frames that were ciphertext at the NIC, such
/// as Weave's ESP, are not merged here in NetSim although Linux would). Unknown VNI: dropped.
/// </summary>
public sealed class UdpTunnelDecap : NamespaceElement
{
    private readonly Dictionary<uint, UdpTunnelDevice> _byVni = new();
    private readonly UdpTunnelDevice _reader;

    internal UdpTunnelDecap(NetworkNamespace ns, ushort port, UdpTunnelDevice first) : base(ns, $"udp_tunnel:{port}")
    {
        Port = port;
        _reader = first; // every device on one port has the same header kind
        Add(first);
    }

    public ushort Port { get; }

    internal void Add(UdpTunnelDevice device)
    {
        if (device.GetType() != _reader.GetType())
            throw new InvalidOperationException($"{Namespace.Name}: UDP port {Port} carries {_reader.GetType().Name}, not {device.GetType().Name}");
        if (!_byVni.TryAdd(device.Vni, device))
            throw new InvalidOperationException($"{Namespace.Name}: VNI {device.Vni} on UDP port {Port} is already used by {_byVni[device.Vni].Name}");
    }

    public override void Receive(Packet packet)
    {
        Packet p = packet;
        int ip = p.LayerCount - 1;
        if (ip < 3 || p.Layer(ip).Kind != HeaderKind.Ipv4 || p.Layer(ip - 1).Kind != HeaderKind.Udp)
        {
            Drop(p, DropReason.NotForThisHost);
            return;
        }
        UdpTunnelDevice? dev = null;
        if (_reader.TryReadVni(p, ip - 2, out uint vni)) _byVni.TryGetValue(vni, out dev);
        if (dev is null || !dev.IsUp)
        {
            Drop(p, DropReason.NotForThisHost);
            return;
        }
        long ps = dev.DecapCost.For(p.Length);
        EcnCodepoint outerEcn = p.Layer(ip).Ipv4.Ecn;
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Udp);
        p.Pop(p.TopKind);
        if (outerEcn == EcnCodepoint.CongestionExperienced && p.IndexOfOuter(HeaderKind.Ipv4) is int inner and >= 0)
        {
            ref Ipv4Header iph = ref p.Layer(inner).Ipv4;
            iph.Ecn = TunnelEcn.Decapsulate(outerEcn, iph.Ecn);
        }
        Scrub(p, dev.Namespace != Namespace);
        dev.Decapsulated++;
        if (!p.GroRefused)
        {
            WorkPs(p, ps, dev.RxEntry, p.Trace is null ? null : $"decap → {dev.Name}");
            return;
        }
        p.GroRefused = false;
        long done = Charge(p, ps, p.Trace is null ? null : $"decap → gro_cells of {dev.Name}");
        dev.GroCells.Enqueue(p, done);
    }
}
