namespace NetSim.Reporting.Records;

/// <summary>
/// What was run and how the simulator did (run.csv): enough to reproduce it (scenario hash, seed, version) and
/// the simulator's own speed.
/// </summary>
public sealed record RunInfo(
    string Scenario,
    string ScenarioSha256,
    string Datapath,
    ulong Seed,
    string Version,
    double SimulatedSeconds,
    double WallSeconds,
    long Events,
    double EventsPerSecond,
    double PeakMemoryMiB,
    string Fingerprint,
    string Conservation);
