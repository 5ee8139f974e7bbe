using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Reports;

/// <summary>Where a command's wall time went, in seconds: reading and checking the input, building the cluster, running it, collecting the results, reporting them.</summary>
public readonly record struct CommandPhases(double Parse, double Build, double Run, double Collect, double Report)
{
    public double Total => Parse + Build + Run + Collect + Report;

    /// <summary>
    /// The phases from the command's clock (input read and checked at <paramref name="parsed"/>, the runner returned at
    /// <paramref name="simulated"/>, done at <paramref name="done"/>), the runner's part split as the runner measured it:
    /// build, then build and run (<see cref="RunResult.WallSeconds"/>), the rest collecting. So the phases add up to the whole.
    /// </summary>
    public static CommandPhases Of(double parsed, double simulated, double done, RunResult result)
    {
        double runner = simulated - parsed;
        double buildAndRun = Math.Clamp(result.WallSeconds, 0, runner);
        double build = Math.Clamp(result.BuildSeconds, 0, buildAndRun);
        return new CommandPhases(parsed, build, buildAndRun - build, runner - buildAndRun, done - simulated);
    }
}
