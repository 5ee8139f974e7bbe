using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>"--tcp-flags mask comp" (and "--syn" = SYN,RST,ACK,FIN SYN); never matches non-TCP packets.</summary>
public sealed class TcpFlagsMatch : NfMatch
{
    public TcpFlagsMatch(TcpFlags mask, TcpFlags comparison)
    {
        Mask = mask;
        Comparison = comparison;
    }

    /// <summary>"--syn": a connection-opening SYN.</summary>
    public static TcpFlagsMatch Syn() => new(TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack | TcpFlags.Fin, TcpFlags.Syn);

    public TcpFlags Mask { get; }
    public TcpFlags Comparison { get; }

    protected override bool Matches(ref NfHookState state)
    {
        int l4 = state.TransportIndex;
        if (l4 < 0) return false;
        ref HeaderLayer l = ref state.Packet.Layer(l4);
        return l.Kind == HeaderKind.Tcp && (l.Tcp.Flags & Mask) == Comparison;
    }
}
