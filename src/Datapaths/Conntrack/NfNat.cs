using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// nf_nat: binding a new connection to a translated tuple (nf_nat_setup_info, get_unique_tuple) and rewriting
/// every packet of a NATed connection in both directions (nf_nat_packet, nf_nat_icmp_reply_translation). The
/// binding lives in the entry's reply tuple, so replies are un-NATed without consulting any rule.
/// </summary>
public static class NfNat
{
    private const int MaxAttempts = 128; // NF_NAT_MAX_ATTEMPTS

    /// <summary>nf_nat_setup_info: binds <paramref name="e"/> to <paramref name="range"/> for <paramref name="manip"/>.</summary>
    public static void Setup(ConntrackTable table, ConntrackEntry e, NatManipType manip, in NatRange range)
    {
        ConntrackTuple orig = e.Original;
        if (manip == NatManipType.Destination)
        {
            Ipv4Address addr = PickAddress(range, orig);
            ushort port = orig.Protocol == Ipv4Header.ProtocolIcmp ? e.Reply.SourcePort // the echo identifier stays
                : range.HasPorts ? PickDestinationPort(range, orig) : orig.DestinationPort;
            e.Reply = e.Reply.WithSource(addr, port);
            e.Status |= ConntrackStatus.DestinationNat | ConntrackStatus.DestinationNatDone;
            return;
        }
        Ipv4Address src = PickAddress(range, orig);
        e.Reply = e.Reply.WithDestination(src, UniqueSourcePort(table, e, src, range));
        e.Status |= ConntrackStatus.SourceNat | ConntrackStatus.SourceNatDone;
    }

    /// <summary>nf_nat_alloc_null_binding: no rule translated this connection; later packets skip the nat table.</summary>
    public static void NullBinding(ConntrackEntry e, NatManipType manip) =>
        e.Status |= manip == NatManipType.Source ? ConntrackStatus.SourceNatDone : ConntrackStatus.DestinationNatDone;

    /// <summary>
    /// nf_nat_packet: rewrites the packet when its connection is NATed in the sense this hook handles (source at
    /// POSTROUTING/INPUT, destination at PREROUTING/OUTPUT; for replies the opposite binding is undone). True
    /// when a header was rewritten.
    /// </summary>
    public static bool Packet(Packet p, ConntrackEntry e, ConntrackDirection dir, NatManipType manip)
    {
        if (!Applies(e, dir, manip)) return false;
        // The target is the inverse of the other direction's tuple.
        ConntrackTuple target = (dir == ConntrackDirection.Original ? e.Reply : e.Original).Invert();
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        Rewrite(p, ip, target, manip, ports: true);
        return true;
    }

    /// <summary>
    /// nf_nat_icmp_reply_translation: an ICMP error about a NATed connection; the embedded header is translated
    /// back with the opposite manip, the outer header as a normal packet of the connection would be.
    /// </summary>
    public static bool IcmpReply(Packet p, ConntrackEntry e, ConntrackDirection dir, NatManipType manip)
    {
        if (!Applies(e, dir, manip)) return false;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        int innerIp = ip - 2;
        if (innerIp < 0 || p.Layer(innerIp).Kind != HeaderKind.Ipv4) return false;
        ConntrackTuple other = dir == ConntrackDirection.Original ? e.Reply : e.Original;
        Rewrite(p, innerIp, other, manip == NatManipType.Source ? NatManipType.Destination : NatManipType.Source, ports: true);
        Rewrite(p, ip, other.Invert(), manip, ports: false);
        return true;
    }

    private static bool Applies(ConntrackEntry e, ConntrackDirection dir, NatManipType manip)
    {
        bool sourceBit = manip == NatManipType.Source;
        if (dir == ConntrackDirection.Reply) sourceBit = !sourceBit;
        return (e.Status & (sourceBit ? ConntrackStatus.SourceNat : ConntrackStatus.DestinationNat)) != 0;
    }

    private static void Rewrite(Packet p, int ip, in ConntrackTuple target, NatManipType manip, bool ports)
    {
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        int l4 = ports ? PacketFields.TransportIndex(p, ip) : -1;
        bool source = manip == NatManipType.Source;
        if (source) iph.Source = target.Source;
        else iph.Destination = target.Destination;
        if (l4 < 0) return;
        ref HeaderLayer l = ref p.Layer(l4);
        switch (l.Kind)
        {
            case HeaderKind.Tcp:
                if (source) l.Tcp.SourcePort = target.SourcePort; else l.Tcp.DestinationPort = target.DestinationPort;
                break;
            case HeaderKind.Udp:
                if (source) l.Udp.SourcePort = target.SourcePort; else l.Udp.DestinationPort = target.DestinationPort;
                break;
            case HeaderKind.Sctp:
                if (source) l.Sctp.SourcePort = target.SourcePort; else l.Sctp.DestinationPort = target.DestinationPort;
                break;
            case HeaderKind.Icmp when l.Icmp.Type is IcmpHeader.EchoRequest or IcmpHeader.EchoReply:
                l.Icmp.Identifier = target.SourcePort;
                break;
        }
    }

    /// <summary>find_best_ips_proto: one address of the range, chosen by a hash of the connection (of the client only when persistent).</summary>
    private static Ipv4Address PickAddress(in NatRange range, in ConntrackTuple orig)
    {
        uint span = range.MaxAddress.Value - range.MinAddress.Value;
        if (span == 0) return range.MinAddress;
        uint h = (range.Flags & NatRangeOptions.Persistent) != 0 ? StableHash.Mix(orig.Source.Value) : StableHash.Combine(orig.Source.Value, orig.Destination.Value);
        return new Ipv4Address(range.MinAddress.Value + (uint)(((ulong)h * (span + 1UL)) >> 32));
    }

    private static ushort PickDestinationPort(in NatRange range, in ConntrackTuple orig) =>
        range.InPortRange(orig.DestinationPort) && range.MinPort != range.MaxPort ? orig.DestinationPort : range.MinPort;

    /// <summary>
    /// get_unique_tuple / nf_nat_l4proto_unique_tuple for SNAT: keep the original source port when the resulting
    /// reply tuple is free (unless random-fully), else search the range from a random offset.
    /// </summary>
    private static ushort UniqueSourcePort(ConntrackTable table, ConntrackEntry e, Ipv4Address src, in NatRange range)
    {
        ConntrackTuple reply = e.Reply;
        ushort origPort = e.Original.SourcePort;
        if (e.Original.Protocol is not (Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp or Ipv4Header.ProtocolSctp)) return reply.DestinationPort;
        bool randomFully = (range.Flags & NatRangeOptions.RandomFully) != 0;
        if (!randomFully && range.InPortRange(origPort) && !table.IsTaken(reply.WithDestination(src, origPort))) return origPort;

        int min, size;
        if (range.HasPorts) { min = range.MinPort; size = range.MaxPort - range.MinPort + 1; }
        else if (origPort < 512) { min = 1; size = 511; }
        else if (origPort < 1024) { min = 600; size = 1023 - 600 + 1; }
        else { min = 1024; size = 65535 - 1024 + 1; }

        int attempts = Math.Min(size, MaxAttempts);
        uint off = (uint)table.Random.Next(65536);
        ushort port = origPort;
        while (true)
        {
            for (int i = 0; i < attempts; i++, off++)
            {
                port = (ushort)(min + off % (uint)size);
                if (!table.IsTaken(reply.WithDestination(src, port))) return port;
            }
            if (attempts >= size || attempts < 16) return port;
            attempts /= 2;
            off = (uint)table.Random.Next(65536);
        }
    }
}
