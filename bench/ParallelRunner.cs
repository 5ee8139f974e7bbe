using System.Diagnostics;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Bench;

/// <summary>
/// `--parallel [NODES,...] [DURATION]`: each all-to-all scenario run with 1 and 2 threads (after a warm-up run),
/// printing the run phase's wall time (build excluded), the process CPU time, the windows, the windows whose second
/// partition the calling thread ran because its worker had not woken, and the balance bound (events over the sum of
/// each window's busiest partition: the speed-up one core per partition could give at best). DURATION (e.g. 10ms)
/// replaces the scenarios' 2 ms, so the run phase outweighs the start-up.
/// </summary>
internal static class ParallelRunner
{
    public static void Run(string? sizes, string? duration = null)
    {
        string[] overrides = duration is null ? [] : [$"duration={duration}"];
        int[] nodes = sizes is null ? [16, 64] : [.. sizes.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        Once(ScenarioLoader.Load(ParallelRunBenchmarks.ScenarioPath(16), ["duration=300us", "warmup=100us"]), profile, 2); // JIT
        Console.WriteLine("| nodes | threads | events | windows | events per window | run by caller | events per partition | balance bound | run s (wall) | process CPU s | fingerprint |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|");
        foreach (int n in nodes)
            foreach (int threads in new[] { 1, 2 })
            {
                var s = ScenarioLoader.Load(ParallelRunBenchmarks.ScenarioPath(n), overrides);
                var (r, windows, critical, cpu) = Once(s, profile, threads);
                double run = r.WallSeconds - r.BuildSeconds;
                Console.WriteLine($"| {n} | {threads} | {r.Events:N0} | {windows:N0} | {(windows > 0 ? r.Events / (double)windows : 0):N0} | {r.Notes[1]} | {r.Notes[0]} | " +
                    $"{r.Events / (double)critical:0.00}x | {run:0.00} | {cpu:0.00} | {r.Fingerprint:x16} |");
            }
    }

    private static (RunResult Result, long Windows, long Critical, double CpuSeconds) Once(Scenario s, CostProfile profile, int threads)
    {
        long windows = 0, critical = 0;
        string shares = "", byCaller = "";
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var options = new RunOptions
        {
            Threads = threads,
            AfterRun = c =>
            {
                var sim = c.Context.Sim;
                (windows, critical) = (sim.Windows, sim.CriticalPathEvents);
                shares = string.Join(" / ", sim.PartitionEvents.Select(e => $"{100.0 * e / sim.EventsProcessed:0}%"));
                byCaller = sim.Windows > 0 ? $"{sim.WindowsRunByCaller:N0}" : "";
            },
        };
        var result = new ClusterSimulation().Run(s, profile, null, options);
        return (result with { Notes = [shares, byCaller] }, windows, critical, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }
}
