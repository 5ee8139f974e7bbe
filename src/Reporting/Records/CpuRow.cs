namespace NetSim.Reporting.Records;

/// <summary>CPU charged per element (cpu.csv): total, share of the node's busy time, and per Gbit of goodput.</summary>
public sealed record CpuRow(
    string Datapath,
    string Node,
    string Element,
    double CpuUs,
    double ShareOfNode,
    double CpuUsPerGbit);
