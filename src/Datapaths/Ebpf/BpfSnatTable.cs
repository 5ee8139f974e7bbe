using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Ebpf;

/// <summary>
/// An eBPF masquerade's SNAT map (Cilium's cilium_snat_v4_external, bpf/lib/nat.h): an egress entry per connection
/// (original tuple to the node address and port it leaves with) and its reverse entry (the reply tuple back to the
/// pod), both created by the first packet. The original source port is kept when free, else the next free one in
/// [<see cref="MinPort"/>, <see cref="MaxPort"/>] (Cilium's NODEPORT_PORT_MIN_NAT..NODEPORT_PORT_MAX_NAT). TCP and
/// UDP only; entries are not aged (a run is shorter than the map's LRU pressure). Netfilter is not involved: the
/// kernel's conntrack never sees these connections.
/// </summary>
public sealed class BpfSnatTable
{
    public const ushort MinPort = 32768, MaxPort = 65535;

    private readonly Dictionary<SnatKey, SnatTarget> _egress = new();
    private readonly Dictionary<SnatKey, SnatTarget> _reverse = new();

    public BpfSnatTable(Ipv4Address address) => Address = address;

    /// <summary>The address connections are masqueraded to (the node's on the egress device).</summary>
    public Ipv4Address Address { get; }
    public int Count => _egress.Count;

    /// <summary>
    /// snat_v4_nat on egress: rewrites the source to <see cref="Address"/> and a port, creating both entries for the
    /// first packet of a connection. Returns the map operations made (a lookup; two updates more when created), 0
    /// when the packet is not TCP or UDP (left alone).
    /// </summary>
    public int Egress(Packet p)
    {
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        int l4 = PacketFields.TransportIndex(p, ip);
        if (!PacketFields.TryGetPorts(p, l4, out ushort sport, out ushort dport)) return 0;
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        var key = new SnatKey(iph.Protocol, iph.Source, sport, iph.Destination, dport);
        int ops = 1;
        if (!_egress.TryGetValue(key, out var to))
        {
            to = new SnatTarget(Address, FreePort(iph.Protocol, iph.Destination, dport, sport));
            _egress.Add(key, to);
            _reverse.Add(new SnatKey(iph.Protocol, iph.Destination, dport, Address, to.Port), new SnatTarget(iph.Source, sport));
            ops += 2;
        }
        iph.Source = to.Address;
        PacketFields.SetPorts(p, l4, to.Port, dport);
        return ops;
    }

    /// <summary>
    /// snat_v4_rev_nat on ingress: a reply to a masqueraded connection gets its pod's address and port back. Returns
    /// the map operations made (one lookup for a TCP/UDP packet to <see cref="Address"/>) and whether it was rewritten.
    /// </summary>
    public int Reverse(Packet p, out bool rewritten)
    {
        rewritten = false;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        if (iph.Destination != Address) return 0;
        int l4 = PacketFields.TransportIndex(p, ip);
        if (!PacketFields.TryGetPorts(p, l4, out ushort sport, out ushort dport)) return 0;
        if (!_reverse.TryGetValue(new SnatKey(iph.Protocol, iph.Source, sport, Address, dport), out var to)) return 1;
        iph.Destination = to.Address;
        PacketFields.SetPorts(p, l4, sport, to.Port);
        rewritten = true;
        return 1;
    }

    /// <summary>The original port when in range and free towards this peer, else the next free one (wrapping in the range).</summary>
    private ushort FreePort(byte protocol, Ipv4Address peer, ushort peerPort, ushort original)
    {
        const int size = MaxPort - MinPort + 1;
        int start = original >= MinPort ? original - MinPort : original % size;
        for (int i = 0; i < size; i++)
        {
            ushort port = (ushort)(MinPort + (start + i) % size);
            if (!_reverse.ContainsKey(new SnatKey(protocol, peer, peerPort, Address, port))) return port;
        }
        return (ushort)(MinPort + start); // every port taken: the clash is the map's, as on a full node
    }

    private readonly record struct SnatKey(byte Protocol, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort);

    private readonly record struct SnatTarget(Ipv4Address Address, ushort Port);
}
