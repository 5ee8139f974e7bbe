namespace NetSim.Reporting.Records;

/// <summary>
/// One traffic group's rates over one step of a run with events (timeline.csv): transactions completed and goodput,
/// from <see cref="FromMs"/> to <see cref="ToMs"/> after the start of the run.
/// </summary>
public sealed record ThroughputRow(string Datapath, string Group, double FromMs, double ToMs, double TransactionsPerSecond, double GoodputGbps);
