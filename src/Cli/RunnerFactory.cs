using NetSim.Topologies.Simulation;

namespace NetSim.Cli;

/// <summary>
/// Where netsim gets the <see cref="IScenarioRunner"/> that builds and runs clusters. Commands take the runner as a
/// constructor argument, so tests pass their own; the real one is plugged in here, in one line.
/// </summary>
public static class RunnerFactory
{
    public static IScenarioRunner Create() => new NetSim.Topologies.Build.ClusterSimulation();
}
