using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Common;

/// <summary>
/// Header access the datapath needs beyond <see cref="Packet"/>'s own: the transport header that belongs to a
/// given IPv4 header (the layer just inside it, present only in a first or unfragmented datagram), its ports,
/// and the flow hash (skb_get_hash). Allocation-free.
/// </summary>
public static class PacketFields
{
    /// <summary>Index of the transport header carried by the IPv4 header at <paramref name="ipIndex"/>, or -1.</summary>
    public static int TransportIndex(Packet p, int ipIndex)
    {
        if (ipIndex <= 0) return -1;
        ref Ipv4Header ip = ref p.Layer(ipIndex).Ipv4;
        if (ip.FragmentOffset != 0) return -1;
        HeaderKind inner = p.Layer(ipIndex - 1).Kind;
        return ip.Protocol switch
        {
            Ipv4Header.ProtocolTcp when inner == HeaderKind.Tcp => ipIndex - 1,
            Ipv4Header.ProtocolUdp when inner == HeaderKind.Udp => ipIndex - 1,
            Ipv4Header.ProtocolIcmp when inner == HeaderKind.Icmp => ipIndex - 1,
            Ipv4Header.ProtocolSctp when inner == HeaderKind.Sctp => ipIndex - 1,
            _ => -1,
        };
    }

    /// <summary>Source and destination ports of the TCP/UDP/SCTP header at <paramref name="l4Index"/>; false for other headers.</summary>
    public static bool TryGetPorts(Packet p, int l4Index, out ushort sourcePort, out ushort destinationPort)
    {
        if (l4Index >= 0)
        {
            ref HeaderLayer l = ref p.Layer(l4Index);
            if (l.Kind == HeaderKind.Tcp) { sourcePort = l.Tcp.SourcePort; destinationPort = l.Tcp.DestinationPort; return true; }
            if (l.Kind == HeaderKind.Udp) { sourcePort = l.Udp.SourcePort; destinationPort = l.Udp.DestinationPort; return true; }
            if (l.Kind == HeaderKind.Sctp) { sourcePort = l.Sctp.SourcePort; destinationPort = l.Sctp.DestinationPort; return true; }
        }
        sourcePort = 0;
        destinationPort = 0;
        return false;
    }

    /// <summary>Rewrites the ports of the TCP/UDP/SCTP header at <paramref name="l4Index"/>.</summary>
    public static void SetPorts(Packet p, int l4Index, ushort sourcePort, ushort destinationPort)
    {
        ref HeaderLayer l = ref p.Layer(l4Index);
        if (l.Kind == HeaderKind.Tcp) { l.Tcp.SourcePort = sourcePort; l.Tcp.DestinationPort = destinationPort; }
        else if (l.Kind == HeaderKind.Udp) { l.Udp.SourcePort = sourcePort; l.Udp.DestinationPort = destinationPort; }
        else if (l.Kind == HeaderKind.Sctp) { l.Sctp.SourcePort = sourcePort; l.Sctp.DestinationPort = destinationPort; }
    }

    /// <summary>True for ICMP types that are errors about another datagram (unreachable, source quench, redirect, time exceeded, parameter problem).</summary>
    public static bool IsIcmpError(byte type) => type is 3 or 4 or 5 or 11 or 12;

    /// <summary>True when the IPv4 header at <paramref name="ipIndex"/> carries an ICMP error.</summary>
    public static bool CarriesIcmpError(Packet p, int ipIndex)
    {
        int l4 = TransportIndex(p, ipIndex);
        return l4 >= 0 && p.Layer(l4).Kind == HeaderKind.Icmp && IsIcmpError(p.Layer(l4).Icmp.Type);
    }

    /// <summary>
    /// skb_get_hash: the flow hash of the outermost IPv4 header and its transport ports, cached in
    /// <see cref="Packet.Hash"/>. Deterministic (the kernel keys it with a boot-time random secret).
    /// </summary>
    public static uint FlowHash(Packet p)
    {
        if (p.Hash != 0) return p.Hash;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        uint h;
        if (ip < 0)
        {
            h = p.IndexOfOuter(HeaderKind.Ethernet) is int e and >= 0
                ? StableHash.Combine((uint)p.Layer(e).Ethernet.Source.Value, (uint)p.Layer(e).Ethernet.Destination.Value)
                : 1;
        }
        else
        {
            ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
            h = StableHash.Combine(iph.Source.Value, iph.Destination.Value);
            h = StableHash.Combine(h, iph.Protocol);
            if (TryGetPorts(p, TransportIndex(p, ip), out ushort sp, out ushort dp))
                h = StableHash.Combine(h, ((uint)sp << 16) | dp);
        }
        if (h == 0) h = 1;
        p.Hash = h;
        return h;
    }
}
