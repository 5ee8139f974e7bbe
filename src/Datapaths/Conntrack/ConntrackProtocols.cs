using NetSim.Engine.Packets;
using static NetSim.Datapaths.Conntrack.ConntrackTimeouts;

namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// The per-protocol trackers (nf_conntrack_proto_tcp/udp/icmp/sctp/generic): which packets may create an entry, the
/// state a packet moves the entry to, and the timeout it sets. TCP tracking follows SYN, SYN-ACK, ACK, FIN and
/// RST through the kernel's states without window tracking; nf_conntrack_tcp_loose=1 (the default) lets a
/// mid-stream ACK pick a connection up as ESTABLISHED. SCTP is tracked by its ports, created only by an INIT, and
/// otherwise kept with the generic timeout (its chunk-driven states are not modelled).
/// </summary>
internal static class ConntrackProtocols
{
    /// <summary>What a packet did to an existing entry.</summary>
    public enum Outcome
    {
        Ok,
        /// <summary>The packet does not fit the connection's state: INVALID, the entry is left alone.</summary>
        Invalid,
        /// <summary>A new SYN on a closed/TIME_WAIT connection: the old entry is killed and a new one created.</summary>
        Reopen,
    }

    /// <summary>tcp_new / icmp_new: whether this packet may create a connection (RST, SYN-ACK, FIN and ICMP replies may not).</summary>
    public static bool CanCreate(Packet p, int l4, byte protocol)
    {
        switch (protocol)
        {
            case Ipv4Header.ProtocolTcp:
                TcpFlags f = p.Layer(l4).Tcp.Flags;
                if ((f & (TcpFlags.Rst | TcpFlags.Fin)) != 0) return false;
                return (f & (TcpFlags.Syn | TcpFlags.Ack)) != (TcpFlags.Syn | TcpFlags.Ack);
            case Ipv4Header.ProtocolIcmp:
                return p.Layer(l4).Icmp.Type == IcmpHeader.EchoRequest;
            case Ipv4Header.ProtocolSctp:
                // An INIT with verification tag 0 (RFC 9260 §8.5.1) opens an association; sctp_new's CLOSED entries for other first chunks are not modelled.
                return l4 >= 0 && p.Layer(l4).Sctp.ChunkType == SctpHeader.ChunkInit && p.Layer(l4).Sctp.VerificationTag == 0;
            default:
                return true;
        }
    }

    /// <summary>Initial state and timeout of a new entry.</summary>
    public static void Init(ConntrackEntry e, Packet p, int l4, long now)
    {
        switch (e.Original.Protocol)
        {
            case Ipv4Header.ProtocolTcp:
                e.TcpState = p.Layer(l4).Tcp.Has(TcpFlags.Syn) ? TcpConntrackState.SynSent : TcpConntrackState.Established;
                e.ExpiresAt = now + Ps(TcpTimeout(e.TcpState));
                break;
            case Ipv4Header.ProtocolUdp:
                e.UdpStreamAt = now + Ps(UdpStreamAfterSeconds);
                e.ExpiresAt = now + Ps(UdpSeconds);
                break;
            case Ipv4Header.ProtocolIcmp:
                e.ExpiresAt = now + Ps(IcmpSeconds);
                break;
            default:
                e.ExpiresAt = now + Ps(GenericSeconds);
                break;
        }
    }

    /// <summary>A packet of an existing connection: state transition and timeout refresh.</summary>
    public static Outcome Update(ConntrackEntry e, ConntrackDirection dir, Packet p, int l4, long now)
    {
        switch (e.Original.Protocol)
        {
            case Ipv4Header.ProtocolTcp:
                return l4 < 0 ? Outcome.Ok : Tcp(e, dir, p.Layer(l4).Tcp.Flags, now);
            case Ipv4Header.ProtocolUdp:
                Udp(e, now);
                return Outcome.Ok;
            case Ipv4Header.ProtocolIcmp:
                e.ExpiresAt = now + Ps(IcmpSeconds);
                return Outcome.Ok;
            default:
                e.ExpiresAt = now + Ps(GenericSeconds);
                return Outcome.Ok;
        }
    }

    /// <summary>udp_packet: 30 s until the flow has replies and has lasted 2 s, then 120 s and ASSURED.</summary>
    private static void Udp(ConntrackEntry e, long now)
    {
        if (!e.SeenReply)
        {
            e.ExpiresAt = now + Ps(UdpSeconds);
            return;
        }
        long extra = Ps(UdpSeconds);
        bool stream = false;
        if (now > e.UdpStreamAt)
        {
            extra = Ps(UdpStreamSeconds);
            stream = !e.IsAssured;
        }
        e.ExpiresAt = now + extra;
        if (stream) e.Status |= ConntrackStatus.Assured;
    }

    private static Outcome Tcp(ConntrackEntry e, ConntrackDirection dir, TcpFlags f, long now)
    {
        bool syn = (f & TcpFlags.Syn) != 0, ack = (f & TcpFlags.Ack) != 0, fin = (f & TcpFlags.Fin) != 0;
        bool original = dir == ConntrackDirection.Original;
        TcpConntrackState s = e.TcpState;
        if ((f & TcpFlags.Rst) != 0)
        {
            s = TcpConntrackState.Close;
        }
        else if (syn && !ack && original && s is TcpConntrackState.TimeWait or TcpConntrackState.Close)
        {
            return Outcome.Reopen;
        }
        else
        {
            switch (s)
            {
                case TcpConntrackState.SynSent:
                    if (!original && syn) s = TcpConntrackState.SynRecv;
                    else if (!syn) return Outcome.Invalid; // nothing but SYN-ACK may answer a SYN
                    break;
                case TcpConntrackState.SynRecv:
                    if (fin) Fin(e, dir, ref s);
                    else if (original && ack && !syn)
                    {
                        s = TcpConntrackState.Established;
                        e.Status |= ConntrackStatus.Assured; // a valid ACK after SYN_RECV
                    }
                    break;
                case TcpConntrackState.Established:
                    if (fin) Fin(e, dir, ref s);
                    else if (!original && !e.IsAssured) e.Status |= ConntrackStatus.Assured; // picked-up connection answered
                    break;
                case TcpConntrackState.FinWait:
                    if (dir != e.FinDirection) s = fin ? TcpConntrackState.LastAck : ack ? TcpConntrackState.CloseWait : s;
                    break;
                case TcpConntrackState.CloseWait:
                    if (fin && dir != e.FinDirection) s = TcpConntrackState.LastAck;
                    break;
                case TcpConntrackState.LastAck:
                    if (ack && !fin && dir == e.FinDirection) s = TcpConntrackState.TimeWait;
                    break;
            }
        }
        e.TcpState = s;
        e.ExpiresAt = now + Ps(TcpTimeout(s));
        return Outcome.Ok;
    }

    private static void Fin(ConntrackEntry e, ConntrackDirection dir, ref TcpConntrackState s)
    {
        e.FinDirection = dir;
        s = TcpConntrackState.FinWait;
    }

    /// <summary>The timeout of a TCP state (tcp_timeouts[]).</summary>
    public static long TcpTimeout(TcpConntrackState s) => s switch
    {
        TcpConntrackState.SynSent => TcpSynSentSeconds,
        TcpConntrackState.SynRecv => TcpSynRecvSeconds,
        TcpConntrackState.Established => TcpEstablishedSeconds,
        TcpConntrackState.FinWait => TcpFinWaitSeconds,
        TcpConntrackState.CloseWait => TcpCloseWaitSeconds,
        TcpConntrackState.LastAck => TcpLastAckSeconds,
        TcpConntrackState.TimeWait => TcpTimeWaitSeconds,
        _ => TcpCloseSeconds,
    };
}
