using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli;

/// <summary>Stands in until the cluster builder is linked in: every run fails with one clear line.</summary>
internal sealed class UnavailableRunner : IScenarioRunner
{
    private const string Message = "this netsim build has no cluster builder yet (RunnerFactory.Create returns none)";

    public RunResult Run(Scenario scenario, CostProfile profile, string? datapath, RunOptions options) => throw new NotSupportedException(Message);

    public TraceResult Trace(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request) => throw new NotSupportedException(Message);
}
