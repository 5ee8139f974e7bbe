namespace NetSim.Reporting.Records;

/// <summary>
/// One flow's totals (flows.csv). Rates in Gbit/s, times in microseconds from the start of the run; the longest gap is
/// the longest time the flow's receiver got nothing (an open flow's silence up to the end included), drops are the
/// flow's packets dropped anywhere, with a reason (drops.csv has the reasons).
/// </summary>
public sealed record FlowRow(
    string Datapath,
    string Group,
    long FlowId,
    string Source,
    string Destination,
    string Protocol,
    long BytesDelivered,
    long PacketsSent,
    double GoodputGbps,
    double WireGbps,
    long Retransmissions,
    long Timeouts,
    double StartUs,
    double EndUs,
    double LongestGapUs = 0,
    long DroppedPackets = 0);
