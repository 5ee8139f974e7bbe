using NetSim.Engine.Elements;

namespace NetSim.Traffic.Transport;

/// <summary>
/// Event kinds of the transport and application layers, refining the engine's categories so run fingerprints say
/// which timer fired: kind / 100 is the <see cref="EventKinds"/> category (5 = transport timer, 6 = application).
/// </summary>
public static class TransportEventKinds
{
    /// <summary>A segment finished tcp_v4_rcv/udp_rcv processing and reaches its socket.</summary>
    public const int SegmentArrival = EventKinds.TransportTimer * 100 + 1;
    /// <summary>The retransmission timer (RTO, SYN retry, zero-window probe: Linux's icsk_retransmit_timer).</summary>
    public const int RetransmitTimer = EventKinds.TransportTimer * 100 + 2;
    /// <summary>The delayed-ACK timer (icsk_delack_timer).</summary>
    public const int DelayedAckTimer = EventKinds.TransportTimer * 100 + 3;
    /// <summary>TIME_WAIT or FIN_WAIT_2 expiry.</summary>
    public const int TimeWaitTimer = EventKinds.TransportTimer * 100 + 4;
    /// <summary>A SYN reached a listening socket.</summary>
    public const int SynArrival = EventKinds.TransportTimer * 100 + 5;
    /// <summary>connect()'s system call and socket setup finished on the application's core: tcp_connect sends the SYN.</summary>
    public const int ConnectSetupDone = EventKinds.TransportTimer * 100 + 6;
    /// <summary>A recv() system call finished copying data to the application.</summary>
    public const int ReadComplete = EventKinds.Application * 100 + 1;
    /// <summary>accept() returned a new connection to the application.</summary>
    public const int AcceptComplete = EventKinds.Application * 100 + 2;
    /// <summary>A send() system call finished copying one skb's worth of data into the socket (tcp_sendmsg's copy loop).</summary>
    public const int WriteCopied = EventKinds.Application * 100 + 4;
    /// <summary>A thread blocked in recv(), accept() or connect() runs after its wakeup latency (scheduler, idle-state exit).</summary>
    public const int ThreadWoken = EventKinds.Application * 100 + 5;
    /// <summary>An application's own timer (next send, next arrival, interval report, end of test).</summary>
    public const int ApplicationTimer = EventKinds.Application * 100 + 3;
}
