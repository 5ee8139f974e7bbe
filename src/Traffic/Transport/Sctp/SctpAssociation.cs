using NetSim.Engine.Addressing;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Sctp;

/// <summary>
/// The initiating side of one SCTP association (RFC 9260 §5.1): INIT sent, COOKIE-WAIT until an INIT ACK with
/// this side's initiate tag returns, then COOKIE-ECHOED. That the peer's endpoint answered is what a reachability
/// probe needs, as a TCP SYN-ACK is; the COOKIE ECHO / COOKIE ACK that would follow, data, and the T1-init timer
/// (its first INIT retransmission comes after RTO.Initial, 1 s in RFC 9260 §16, 3 s in Linux's rto_initial) are not
/// modelled.
/// </summary>
public sealed class SctpAssociation
{
    /// <summary>Outbound and inbound stream counts offered (Linux's default sctp_initmsg: 10 each).</summary>
    internal const ushort Streams = 10;

    internal SctpAssociation(SctpStack stack, ushort localPort, Ipv4Address peer, ushort peerPort, uint initiateTag, FlowMetrics flow, int core)
    {
        Stack = stack;
        LocalPort = localPort;
        Peer = peer;
        PeerPort = peerPort;
        InitiateTag = initiateTag;
        Flow = flow;
        Core = core;
    }

    public SctpStack Stack { get; }
    public ushort LocalPort { get; }
    public Ipv4Address Peer { get; }
    public ushort PeerPort { get; }
    /// <summary>This side's tag: the peer must carry it as the verification tag of all it sends.</summary>
    public uint InitiateTag { get; }
    public FlowMetrics Flow { get; }
    public int Core { get; }
    /// <summary>The INIT ACK arrived: the peer's endpoint accepted the association (state COOKIE-ECHOED).</summary>
    public bool Answered { get; private set; }
    /// <summary>When the INIT ACK was received (ps), -1 before.</summary>
    public long AnsweredAtPs { get; private set; } = -1;

    internal bool Matches(Ipv4Address source, ushort sourcePort, uint verificationTag) =>
        !Answered && source == Peer && sourcePort == PeerPort && verificationTag == InitiateTag;

    internal void InitAckArrived(long atPs, long initSentPs)
    {
        Answered = true;
        AnsweredAtPs = atPs;
        Flow.PacketsReceived++;
        Flow.LastReceivePs = atPs;
        Flow.ConnectionSetupPs = atPs - initSentPs;
    }
}
