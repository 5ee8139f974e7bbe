namespace NetSim.Topologies.Simulation;

/// <summary>One traffic group's rates over one step of a run with events: transactions completed and application bits received per second.</summary>
public sealed record ThroughputSample(string Group, long FromPs, long ToPs, double TransactionsPerSecond, double BitsPerSecond);
