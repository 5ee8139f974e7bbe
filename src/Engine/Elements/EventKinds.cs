namespace NetSim.Engine.Elements;

/// <summary>Event kinds used by the datapath, so that run fingerprints say what happened, not only when.</summary>
public static class EventKinds
{
    /// <summary>A packet arrives at an element after the previous hop's CPU work.</summary>
    public const int PacketArrival = 1;
    /// <summary>A link finished serializing a frame.</summary>
    public const int TransmitComplete = 2;
    /// <summary>A frame arrives at the far end of a link after propagation.</summary>
    public const int FrameArrival = 3;
    /// <summary>A NAPI poll ends: GRO flushes its merged packets.</summary>
    public const int NapiPollEnd = 4;
    /// <summary>A transport timer (retransmission, delayed ACK, TIME_WAIT) fired.</summary>
    public const int TransportTimer = 5;
    /// <summary>An application acts (sends, opens a connection, starts a transaction).</summary>
    public const int Application = 6;
    /// <summary>A control-plane event (route propagation, ageing sweep).</summary>
    public const int ControlPlane = 7;
    /// <summary>An RX interrupt: a NAPI poll starts on the RX queue's core.</summary>
    public const int NapiPoll = 8;
    /// <summary>A kernel work item runs on its CPU (a workqueue worker: WireGuard's crypt and transmit workers).</summary>
    public const int WorkItem = 9;
}
