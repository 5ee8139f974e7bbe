using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Running;

/// <summary>
/// Calls the runner and sorts its failures: bad input (the builder refusing a scenario) stays bad input, anything
/// else becomes a <see cref="RunFailedException"/> that names the scenario and datapath.
/// </summary>
public static class Runs
{
    public static RunResult Run(IScenarioRunner runner, ProfileCache profiles, Scenario scenario, string datapath, RunOptions options) =>
        Guard(() => runner.Run(scenario, profiles.For(scenario), datapath, options), scenario, datapath);

    public static TraceResult Trace(IScenarioRunner runner, ProfileCache profiles, Scenario scenario, string datapath, TraceRequest request) =>
        Guard(() => runner.Trace(scenario, profiles.For(scenario), datapath, request), scenario, datapath);

    private static T Guard<T>(Func<T> call, Scenario scenario, string datapath)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not (InputException or CniException or RunFailedException or OperationCanceledException))
        {
            throw new RunFailedException($"the run of '{scenario.Name}' over {datapath} (seed {scenario.Seed}) failed: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
