namespace NetSim.Reporting.Records;

/// <summary>One flow's totals (flows.csv). Rates in Gbit/s, times in microseconds from the start of the run.</summary>
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
    double EndUs);
