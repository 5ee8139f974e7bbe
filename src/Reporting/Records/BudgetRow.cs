namespace NetSim.Reporting.Records;

/// <summary>
/// One segment of the latency budget (budget.csv): the time one kind of element ("veth", "vxlan", "netfilter",
/// ..., and "wire and other" for what no element charged) took per transaction, in microseconds.
/// </summary>
public sealed record BudgetRow(string Datapath, string Segment, double UsPerTransaction);
