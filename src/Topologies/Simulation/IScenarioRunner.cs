using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// Builds a scenario over one datapath and runs it (implemented by <c>ClusterSimulation</c>). The CLI depends on
/// this seam, so sweeps and reports can be tested with recorded results.
/// </summary>
public interface IScenarioRunner
{
    /// <summary>Runs <paramref name="scenario"/> over <paramref name="datapath"/> (its own when null).</summary>
    RunResult Run(Scenario scenario, CostProfile profile, string? datapath, RunOptions options);

    /// <summary>Sends one packet, or one request/response, from <paramref name="from"/> to <paramref name="to"/> and returns its walk.</summary>
    TraceResult Trace(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request);
}
