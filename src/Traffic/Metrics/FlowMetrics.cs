using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Metrics;

/// <summary>
/// Live counters of one flow: one direction of a connection (the packets one socket sends), identified by
/// <see cref="Id"/>, which travels in every packet's FlowId tag. The sender updates the send side; the receiving
/// socket updates the receive side through the tag; drops anywhere are attributed through the pool's drop event.
/// </summary>
public sealed class FlowMetrics
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    internal FlowMetrics(int id, string protocol, string source, string destination,
        Ipv4Address sourceAddress, ushort sourcePort, Ipv4Address destinationAddress, ushort destinationPort,
        long startPs, ILatencyRecorder latency)
    {
        Id = id;
        Protocol = protocol;
        Source = source;
        Destination = destination;
        SourceAddress = sourceAddress;
        SourcePort = sourcePort;
        DestinationAddress = destinationAddress;
        DestinationPort = destinationPort;
        StartPs = startPs;
        OneWayLatency = latency;
    }

    public int Id { get; }
    /// <summary>"tcp" or "udp".</summary>
    public string Protocol { get; }
    /// <summary>The sending namespace's name.</summary>
    public string Source { get; }
    public string Destination { get; }
    public Ipv4Address SourceAddress { get; }
    public ushort SourcePort { get; internal set; }
    public Ipv4Address DestinationAddress { get; }
    public ushort DestinationPort { get; }
    public long StartPs { get; }
    /// <summary>The flow in the other direction of the same connection (the peer socket's), or -1.</summary>
    public int PeerFlowId { get; internal set; } = -1;

    // --- sender side ---
    /// <summary>Application bytes the socket accepted (send()).</summary>
    public long BytesSent;
    /// <summary>Wire segments sent (a TSO/GSO super-packet counts as its segments), including retransmissions and pure ACKs.</summary>
    public long PacketsSent;
    /// <summary>IP bytes sent: payload plus IP and transport headers of every segment (L2 framing belongs to the link).</summary>
    public long WireBytesSent;
    public long RetransmittedPackets;
    public long RetransmittedBytes;
    /// <summary>Retransmission timeouts (RTO expiries with data outstanding).</summary>
    public long Timeouts;
    /// <summary>Fast-recovery episodes (fast retransmit).</summary>
    public long FastRecoveries;
    /// <summary>Congestion-window reductions in response to ECN echoes.</summary>
    public long EcnReductions;

    // --- receiver side ---
    public long PacketsReceived;
    /// <summary>Payload bytes that arrived (including duplicates).</summary>
    public long BytesReceived;
    /// <summary>Bytes delivered in order to the receiving application: goodput.</summary>
    public long BytesDelivered;
    public long FirstDeliveryPs = -1;
    public long LastDeliveryPs = -1;
    public long LastReceivePs = -1;
    /// <summary>The longest time between two deliveries to the application (an outage, a stall), picoseconds.</summary>
    public long LongestGapPs;
    /// <summary>Per-packet one-way latency: arrival at the receiving socket minus the packet's CreatedAt.</summary>
    public ILatencyRecorder OneWayLatency { get; }
    /// <summary>SYN sent to connection established (connect() returning), or -1.</summary>
    public long ConnectionSetupPs = -1;
    /// <summary>When the flow's socket closed, or -1 while open.</summary>
    public long EndPs = -1;

    public long Dropped(DropReason reason) => _drops[(int)reason];

    public long DroppedTotal
    {
        get
        {
            long n = 0;
            foreach (long d in _drops) n += d;
            return n;
        }
    }

    internal void CountDrop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]); // a split run drops on several threads

    /// <summary>Bytes reached the application at <paramref name="nowPs"/>: the gap since the last delivery counts towards <see cref="LongestGapPs"/>.</summary>
    public void Delivered(long nowPs)
    {
        if (LastDeliveryPs >= 0 && nowPs - LastDeliveryPs > LongestGapPs) LongestGapPs = nowPs - LastDeliveryPs;
        LastDeliveryPs = nowPs;
    }

    /// <summary>The longest gap as of <paramref name="nowPs"/>: an open flow's silence since its last delivery counts too (it may never resume).</summary>
    public long LongestGapAt(long nowPs) =>
        EndPs < 0 && LastDeliveryPs >= 0 ? Math.Max(LongestGapPs, nowPs - LastDeliveryPs) : LongestGapPs;

    /// <summary>A plain record of the flow as of <paramref name="nowPs"/>.</summary>
    public FlowRecord Snapshot(long nowPs)
    {
        var drops = new Dictionary<DropReason, long>();
        for (int i = 0; i < _drops.Length; i++)
            if (_drops[i] > 0) drops[(DropReason)i] = _drops[i];
        long end = EndPs >= 0 ? EndPs : nowPs;
        double seconds = Math.Max(0, end - StartPs) / 1e12;
        double goodput = seconds > 0 ? BytesDelivered * 8 / seconds : 0;
        double wire = seconds > 0 ? WireBytesSent * 8 / seconds : 0;
        return new FlowRecord(Id, Protocol, Source, Destination, SourceAddress.ToString(), SourcePort,
            DestinationAddress.ToString(), DestinationPort, StartPs, end, BytesSent, PacketsSent, WireBytesSent,
            PacketsReceived, BytesReceived, BytesDelivered, goodput, wire, RetransmittedPackets, RetransmittedBytes,
            Timeouts, FastRecoveries, EcnReductions, ConnectionSetupPs, LatencySummary.From(OneWayLatency), drops, PeerFlowId)
        { LongestGapPs = LongestGapAt(nowPs) };
    }
}
