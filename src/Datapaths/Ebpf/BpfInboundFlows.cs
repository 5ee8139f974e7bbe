using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Ebpf;

/// <summary>
/// What an eBPF dataplane's connection tracking tells its egress masquerade: that a pod's packet is a reply of a
/// connection that came in from outside (a NodePort's backend answering, a node or external client's connection to
/// the pod), which must leave with the pod's own address. Cilium's snat_v4_needed and Calico's NAT-outgoing flag
/// both ask their CT map this; here it is one entry per inbound connection, keyed by the pod's side of it.
/// </summary>
public sealed class BpfInboundFlows
{
    private readonly HashSet<FlowKey> _inbound = new();

    public int Count => _inbound.Count;

    /// <summary>A packet entering a local pod from the wire: its connection is inbound. Returns the map operations (1 for TCP/UDP).</summary>
    public int NoteInbound(Packet p)
    {
        if (!TryKey(p, reverse: true, out var key)) return 0;
        _inbound.Add(key);
        return 1;
    }

    /// <summary>Whether a pod's packet belongs to an inbound connection (one lookup, counted in <paramref name="ops"/>).</summary>
    public bool IsReply(Packet p, out int ops)
    {
        ops = 0;
        if (_inbound.Count == 0 || !TryKey(p, reverse: false, out var key)) return false;
        ops = 1;
        return _inbound.Contains(key);
    }

    /// <summary>The connection as the pod sends it (pod address and port first); an inbound packet is read reversed.</summary>
    private static bool TryKey(Packet p, bool reverse, out FlowKey key)
    {
        key = default;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0) return false;
        int l4 = PacketFields.TransportIndex(p, ip);
        if (!PacketFields.TryGetPorts(p, l4, out ushort sport, out ushort dport)) return false;
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        key = reverse
            ? new FlowKey(iph.Protocol, iph.Destination, dport, iph.Source, sport)
            : new FlowKey(iph.Protocol, iph.Source, sport, iph.Destination, dport);
        return true;
    }

    private readonly record struct FlowKey(byte Protocol, Ipv4Address Pod, ushort PodPort, Ipv4Address Peer, ushort PeerPort);
}
