namespace NetSim.Reporting.Records;

/// <summary>
/// One metric of one finished sweep run (runs/run-NNNNN.csv): the point, the replication and its seed, and the
/// value. The metric's name carries its unit (p50_us, goodput_gbps). sweep.csv is computed from these files.
/// </summary>
public sealed record SweepRunRow(int Run, int Point, int Replication, ulong Seed, string Group, string Metric, double Value);
