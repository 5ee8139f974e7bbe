namespace NetSim.Reporting.Records;

/// <summary>
/// One hop of the traced request/response of a run (walk.csv): which packet, when it was sent (µs from the start of
/// the exchange), the node and element, its kind (tcp, netfilter, vxlan, wire, ...), what it did, the CPU, queueing
/// and wire time of the hop (ns), and when the hop finished (µs from the start of the exchange).
/// </summary>
public sealed record WalkRow(
    string Datapath,
    int Packet,
    string What,
    double SentUs,
    int Hop,
    string Node,
    string Element,
    string Kind,
    string Action,
    double CpuNs,
    double QueueNs,
    double WireNs,
    double AtUs);
