using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// Cuts a GSO/TSO super-packet into wire-sized segments (the kernel's skb_segment, or what a NIC's TSO engine
/// does): ceil(payload / GsoSize) packets with the same headers, each carrying GsoSize bytes of payload (the last
/// the rest). TCP sequence numbers advance by the payload before each segment, FIN and PSH stay only on the last
/// segment and CWR only on the first, and every IPv4 header (outer and inner) gets consecutive IP ids. Lengths
/// follow from the payload. The super-packet is absorbed; a trace moves to the first segment.
/// </summary>
public static class GsoSegmenter
{
    /// <summary>Segments <paramref name="gso"/> into <paramref name="segments"/> (grown if too small); returns how many.</summary>
    public static int Segment(Packet gso, ref Packet[] segments)
    {
        ArgumentNullException.ThrowIfNull(gso);
        int n = gso.SegmentCount;
        int mss = gso.GsoSize;
        if (segments.Length < n) segments = new Packet[Math.Max(n, segments.Length * 2)];
        int tcp = gso.IndexOfInner(HeaderKind.Tcp);
        uint seq = tcp >= 0 ? gso.Layer(tcp).Tcp.SequenceNumber : 0;
        int remaining = gso.PayloadLength;
        for (int i = 0; i < n; i++)
        {
            Packet s = gso.Pool.Rent();
            s.CopyFrom(gso);
            s.GsoSize = 0;
            int payload = i < n - 1 ? mss : remaining;
            s.PayloadLength = payload;
            if (tcp >= 0) FixTcp(ref s.Layer(tcp).Tcp, seq, i, n);
            AdvanceIpIds(s, i);
            s.Trace = i == 0 ? gso.Trace : null;
            segments[i] = s;
            seq = unchecked(seq + (uint)payload);
            remaining -= payload;
        }
        gso.Pool.Absorb(gso);
        return n;
    }

    private static void FixTcp(ref TcpHeader th, uint seq, int index, int count)
    {
        th.SequenceNumber = seq;
        if (index < count - 1) th.Flags &= ~(TcpFlags.Fin | TcpFlags.Psh);
        if (index > 0) th.Flags &= ~TcpFlags.Cwr;
    }

    private static void AdvanceIpIds(Packet s, int index)
    {
        for (int k = 0; k < s.LayerCount; k++)
        {
            ref HeaderLayer l = ref s.Layer(k);
            if (l.Kind == HeaderKind.Ipv4) l.Ipv4.Identification = unchecked((ushort)(l.Ipv4.Identification + index));
        }
    }
}
