namespace NetSim.Reporting.Records;

/// <summary>
/// One planned run of a sweep (manifest.csv): its point, replication and seed, the parameter assignments, the
/// SHA-256 of the point's resolved scenario, the file its results go to and its costs ("drawn" with the profile's
/// variability, "exact" with --exact-costs). A resumed sweep must plan the same rows.
/// </summary>
public sealed record SweepPlanRow(int Run, int Point, int Replication, ulong Seed, string Parameters, string ScenarioSha256, string File, string Costs);
