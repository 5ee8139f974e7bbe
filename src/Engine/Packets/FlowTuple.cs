using NetSim.Engine.Addressing;

namespace NetSim.Engine.Packets;

/// <summary>
/// The 5-tuple a hash (RSS, ECMP, a tunnel's UDP source port) is computed over. <see cref="Outer"/> reads the
/// outermost IPv4 header, which is all a NIC or a fabric switch sees of a tunnelled packet; <see cref="Inner"/>
/// reads the innermost one (the pod's own flow). Ports are 0 when the protocol has none.
/// </summary>
public readonly record struct FlowTuple(
    Ipv4Address Source, Ipv4Address Destination, byte Protocol, ushort SourcePort, ushort DestinationPort)
{
    /// <summary>The flow of the outermost IPv4 header and the transport header directly inside it.</summary>
    public static FlowTuple Outer(Packet packet) => At(packet, packet.IndexOfOuter(HeaderKind.Ipv4));

    /// <summary>The flow of the innermost IPv4 header and its transport header.</summary>
    public static FlowTuple Inner(Packet packet) => At(packet, packet.IndexOfInner(HeaderKind.Ipv4));

    private static FlowTuple At(Packet packet, int ipIndex)
    {
        if (ipIndex < 0) return default;
        ref Ipv4Header ip = ref packet.Layer(ipIndex).Ipv4;
        ushort sport = 0, dport = 0;
        if (ipIndex > 0)
        {
            // Layer 0 is innermost, so the header carried by this IPv4 header sits just below it.
            ref HeaderLayer l4 = ref packet.Layer(ipIndex - 1);
            if (l4.Kind == HeaderKind.Tcp) { sport = l4.Tcp.SourcePort; dport = l4.Tcp.DestinationPort; }
            else if (l4.Kind == HeaderKind.Udp) { sport = l4.Udp.SourcePort; dport = l4.Udp.DestinationPort; }
            else if (l4.Kind == HeaderKind.Sctp) { sport = l4.Sctp.SourcePort; dport = l4.Sctp.DestinationPort; }
        }
        return new FlowTuple(ip.Source, ip.Destination, ip.Protocol, sport, dport);
    }
}
