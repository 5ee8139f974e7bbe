namespace NetSim.Reporting.Records;

/// <summary>
/// Where the time went, element by element (hops.csv): per packet handled, the CPU time charged and the time the
/// packet waited for a busy core, in nanoseconds.
/// </summary>
public sealed record HopRow(
    string Datapath,
    string Node,
    string Element,
    string Kind,
    long Packets,
    double CpuNsPerPacket,
    double QueueNsPerPacket);
