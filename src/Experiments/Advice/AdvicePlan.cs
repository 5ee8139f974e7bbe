using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Advice;

/// <summary>
/// What advise will run, decided (and validated) before anything runs: the scenario, the datapaths to measure,
/// one scenario per datapath and replication (seeds seed, seed+1, ...), and why the others are not measured.
/// </summary>
public sealed record AdvicePlan(
    Requirements Requirements,
    Scenario Scenario,
    string ScenarioNote,
    IReadOnlyList<AdviceRun> Runs,
    IReadOnlyDictionary<string, string> NotRun,
    int Replications);

/// <summary>One simulation of the plan: a datapath, its replication number (0-based) and the scenario as run.</summary>
public sealed record AdviceRun(string Datapath, int Replication, Scenario Scenario);
