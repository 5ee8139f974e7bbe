using NetSim.Engine.Packets;

namespace NetSim.Traffic.Metrics;

/// <summary>One flow's results as plain values (Reporting writes them; nothing here formats files).</summary>
/// <param name="GoodputBitsPerSecond">Application bytes delivered in order × 8 over the flow's lifetime.</param>
/// <param name="WireBitsPerSecond">IP bytes sent (headers and retransmissions included) × 8 over the flow's lifetime.</param>
public sealed record FlowRecord(
    int FlowId,
    string Protocol,
    string Source,
    string Destination,
    string SourceAddress,
    ushort SourcePort,
    string DestinationAddress,
    ushort DestinationPort,
    long StartPs,
    long EndPs,
    long BytesSent,
    long PacketsSent,
    long WireBytesSent,
    long PacketsReceived,
    long BytesReceived,
    long BytesDelivered,
    double GoodputBitsPerSecond,
    double WireBitsPerSecond,
    long RetransmittedPackets,
    long RetransmittedBytes,
    long Timeouts,
    long FastRecoveries,
    long EcnReductions,
    long ConnectionSetupPs,
    LatencySummary OneWayLatency,
    IReadOnlyDictionary<DropReason, long> Drops,
    int PeerFlowId)
{
    /// <summary>The longest time the flow's receiver went without a delivery (an open flow's silence up to the snapshot included), picoseconds.</summary>
    public long LongestGapPs { get; init; }

    /// <summary>A TCP flow that sent but never heard from its peer: a connection whose SYN nothing answered (a dead backend, a lost route).</summary>
    public bool Unanswered => Protocol == "tcp" && PeerFlowId < 0 && PacketsSent > 0;
}
