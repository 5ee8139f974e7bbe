namespace NetSim.Reporting.Records;

/// <summary>A point of a traffic group's latency CDF (cdf.csv): this fraction of transactions took at most this many microseconds.</summary>
public sealed record CdfRow(string Datapath, string Group, double LatencyUs, double Fraction);
