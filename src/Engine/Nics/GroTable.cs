using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// The per-NAPI GRO list (napi->gro_hash): up to <see cref="MaxFlows"/> packets being merged, oldest first.
/// A TCP segment merges into the held packet of its flow when it continues it exactly: same headers (addresses,
/// ports, tunnel ids, TTL, ECN/DSCP), the next sequence number, the same ACK, window and timestamps, payload no
/// larger than the first segment's, and the merged IPv4 length within the limit (tcp_gro_receive's rules).
/// </summary>
public sealed class GroTable : IPacketHolder
{
    /// <summary>MAX_GRO_SKBS in Linux.</summary>
    public const int MaxFlows = 8;
    private const TcpFlags NeverMerged = TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst | TcpFlags.Urg;

    private readonly Packet?[] _held = new Packet?[MaxFlows];
    private int _count;

    /// <summary>The receiving NIC's offloads, which decide whether a zero-checksum UDP-tunnel frame may be merged here.</summary>
    public NicOffloads Offloads { get; init; } = NicOffloads.All;
    /// <summary>The kernel merges zero-checksum UDP-tunnel frames (<see cref="NicSpec.ZeroChecksumTunnelGro"/>).</summary>
    public bool ZeroChecksumTunnelGro { get; init; } = true;

    public int Count => _count;
    public int HeldPackets => _count;
    public bool Bounded => true; // at most MAX_GRO_SKBS packets
    public bool IsFull => _count == MaxFlows;
    public Packet this[int index] => _held[index]!;

    /// <summary>
    /// True for packets GRO can hold: TCP with payload, none of SYN/FIN/RST/URG, not an IP fragment, and not inside
    /// ciphertext (a WireGuard or ESP packet's TCP header is encrypted: udp_gro_receive and esp4_gro_receive cannot
    /// merge on it; GRO sees it only after decryption), nor inside Weave's sleeve datagrams (their UDP socket has no
    /// encap gro_receive and no UDP_GRO, so udp_gro_receive passes them up one by one).
    /// </summary>
    public static bool IsCandidate(Packet p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return IsCandidate(p, FrameLayers.Of(p));
    }

    /// <summary>As <see cref="IsCandidate(Packet)"/>, with <paramref name="p"/>'s layers already read.</summary>
    private static bool IsCandidate(Packet p, in FrameLayers layers)
    {
        if (p.PayloadLength == 0 || p.LayerCount == 0 || p.Layer(0).Kind != HeaderKind.Tcp) return false;
        if ((p.Layer(0).Tcp.Flags & NeverMerged) != 0) return false;
        return !layers.Fragment && !layers.Sealed && !layers.Sleeve;
    }

    /// <summary>
    /// napi_gro_receive for one packet whose earlier work ends at <paramref name="t"/>: merges it into the held packet
    /// of its flow, holds it, or hands it (and what its flow held) up through <paramref name="napi"/>, in flow order.
    /// Returns when GRO's work for it ends.
    /// </summary>
    public long Receive(Packet p, long t, int maxIpv4Bytes, IGroNapi napi)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Receive(p, FrameLayers.Of(p), t, maxIpv4Bytes, napi);
    }

    /// <summary>As <see cref="Receive(Packet, long, int, IGroNapi)"/>, for a packet whose layers the poll has read already.</summary>
    internal long Receive(Packet p, in FrameLayers layers, long t, int maxIpv4Bytes, IGroNapi napi)
    {
        ArgumentNullException.ThrowIfNull(napi);
        int i = _count > 0 ? Find(p) : -1;
        bool candidate = IsCandidate(p, layers);
        if (!RxChecksum.TunnelGroAllowed(layers, Offloads, ZeroChecksumTunnelGro))
        {
            p.GroRefused = true; // every frame of the tunnel, so all of them reach its gro_cells in order
            candidate = false;
        }
        if (!candidate)
        {
            if (i >= 0) napi.Up(RemoveAt(i), t); // keep the flow in order: what was held goes first
            napi.Up(p, t);
            return t;
        }
        if (i >= 0)
        {
            Packet held = _held[i]!;
            if (CanAppend(held, p, maxIpv4Bytes))
            {
                t = napi.ChargeMerge(p);
                if (Append(held, p)) napi.Up(RemoveAt(i), t);
                return t;
            }
            napi.Up(RemoveAt(i), t);
        }
        if (EndsTrain(p))
        {
            napi.Up(p, t);
            return t;
        }
        if (IsFull) napi.Up(RemoveOldest(), t);
        Add(p);
        return t;
    }

    /// <summary>napi_gro_flush: hands up every held packet, oldest first, at <paramref name="t"/>.</summary>
    public void Flush(long t, IGroNapi napi)
    {
        ArgumentNullException.ThrowIfNull(napi);
        while (_count > 0) napi.Up(RemoveOldest(), t);
    }

    /// <summary>True when a segment with PSH must be handed up at once rather than held.</summary>
    public static bool EndsTrain(Packet p) => p.Layer(0).Tcp.Has(TcpFlags.Psh);

    /// <summary>The index of the held packet of <paramref name="p"/>'s flow, or -1.</summary>
    public int Find(Packet p)
    {
        for (int i = 0; i < _count; i++)
            if (SameFlow(_held[i]!, p)) return i;
        return -1;
    }

    public void Add(Packet p)
    {
        if (_count == MaxFlows) throw new InvalidOperationException("GRO list is full; flush the oldest first");
        _held[_count++] = p;
    }

    public Packet RemoveAt(int index)
    {
        Packet p = _held[index]!;
        for (int i = index; i < _count - 1; i++) _held[i] = _held[i + 1];
        _held[--_count] = null;
        return p;
    }

    public Packet RemoveOldest() => RemoveAt(0);

    /// <summary>True when <paramref name="segment"/> can be appended to <paramref name="held"/> (same flow assumed).</summary>
    public static bool CanAppend(Packet held, Packet segment, int maxIpv4Bytes)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(segment);
        ref TcpHeader h = ref held.Layer(0).Tcp;
        ref TcpHeader s = ref segment.Layer(0).Tcp;
        if (h.Has(TcpFlags.Psh)) return false;
        if (unchecked(h.SequenceNumber + (uint)held.PayloadLength) != s.SequenceNumber) return false;
        if (h.AcknowledgmentNumber != s.AcknowledgmentNumber || h.Window != s.Window) return false;
        if ((h.Flags & ~TcpFlags.Psh) != (s.Flags & ~TcpFlags.Psh)) return false;
        if (h.HasTimestamps != s.HasTimestamps || h.TimestampValue != s.TimestampValue || h.TimestampEcho != s.TimestampEcho) return false;
        if (h.SackBlockCount != 0 || s.SackBlockCount != 0) return false;
        int mss = held.GsoSize != 0 ? held.GsoSize : held.PayloadLength;
        if (segment.PayloadLength > mss) return false;
        if (held.Ipv4Length + segment.PayloadLength > maxIpv4Bytes) return false;
        // Merged after a short segment would hide a gap in the train: the first short segment ends it.
        if (held.GsoSize != 0 && held.PayloadLength % held.GsoSize != 0) return false;
        return SameIpFields(held, segment);
    }

    /// <summary>
    /// Appends <paramref name="segment"/> to <paramref name="held"/> and absorbs it; returns true when the merged
    /// packet must be flushed now (PSH, or a segment shorter than the MSS ends the train).
    /// </summary>
    public static bool Append(Packet held, Packet segment)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(segment);
        if (held.GsoSize == 0) held.GsoSize = (ushort)held.PayloadLength;
        int mss = held.GsoSize;
        held.PayloadLength += segment.PayloadLength;
        TcpFlags psh = segment.Layer(0).Tcp.Flags & TcpFlags.Psh;
        held.Layer(0).Tcp.Flags |= psh;
        bool flush = psh != 0 || segment.PayloadLength < mss;
        segment.Pool.Absorb(segment);
        return flush;
    }

    /// <summary>Same flow: the same stack of headers with the same addresses, ports and tunnel ids.</summary>
    public static bool SameFlow(Packet a, Packet b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.LayerCount != b.LayerCount) return false;
        for (int i = a.LayerCount - 1; i >= 0; i--)
        {
            ref HeaderLayer x = ref a.Layer(i);
            ref HeaderLayer y = ref b.Layer(i);
            if (x.Kind != y.Kind) return false;
            bool same = x.Kind switch
            {
                HeaderKind.Ethernet => x.Ethernet.Source == y.Ethernet.Source && x.Ethernet.Destination == y.Ethernet.Destination &&
                                       x.Ethernet.VlanId == y.Ethernet.VlanId,
                HeaderKind.Ipv4 => x.Ipv4.Source == y.Ipv4.Source && x.Ipv4.Destination == y.Ipv4.Destination &&
                                   x.Ipv4.Protocol == y.Ipv4.Protocol,
                HeaderKind.Tcp => x.Tcp.SourcePort == y.Tcp.SourcePort && x.Tcp.DestinationPort == y.Tcp.DestinationPort,
                HeaderKind.Udp => x.Udp.SourcePort == y.Udp.SourcePort && x.Udp.DestinationPort == y.Udp.DestinationPort &&
                                  x.Udp.ZeroChecksum == y.Udp.ZeroChecksum,
                HeaderKind.Vxlan => x.Vxlan.Vni == y.Vxlan.Vni,
                HeaderKind.Geneve => x.Geneve.Vni == y.Geneve.Vni && x.Geneve.OptionWords == y.Geneve.OptionWords,
                _ => true,
            };
            if (!same) return false;
        }
        return true;
    }

    /// <summary>inet_gro_receive flushes when TTL or TOS (DSCP, ECN) differ, so a CE mark is never merged away.</summary>
    private static bool SameIpFields(Packet a, Packet b)
    {
        for (int i = 0; i < a.LayerCount; i++)
        {
            ref HeaderLayer x = ref a.Layer(i);
            if (x.Kind != HeaderKind.Ipv4) continue;
            ref Ipv4Header y = ref b.Layer(i).Ipv4;
            if (x.Ipv4.Ttl != y.Ttl || x.Ipv4.Ecn != y.Ecn || x.Ipv4.Dscp != y.Dscp || x.Ipv4.DontFragment != y.DontFragment) return false;
        }
        return true;
    }
}
