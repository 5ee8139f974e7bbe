namespace NetSim.Reporting.Records;

/// <summary>A node's CPU use over the measured interval (nodes.csv): busy cores on average and per core.</summary>
public sealed record NodeCpuRow(string Datapath, string Node, int Cores, double BusyCores, double MaxCoreUtilisation);
