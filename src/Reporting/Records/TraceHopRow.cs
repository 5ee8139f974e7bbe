namespace NetSim.Reporting.Records;

/// <summary>
/// One hop of a traced packet (trace.csv): which element on which node did what, the CPU, queueing and wire time
/// it took (nanoseconds), and the packet's latency so far (microseconds since it was sent).
/// </summary>
public sealed record TraceHopRow(
    string Datapath,
    int Packet,
    string What,
    int Hop,
    string Node,
    string Element,
    string Action,
    double CpuNs,
    double QueueNs,
    double WireNs,
    double LatencyUs);
