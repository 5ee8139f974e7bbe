using System.Diagnostics;
using NetSim.Cli;
using NetSim.Cli.CommandLine;

namespace NetSim.Bench;

/// <summary>
/// `--groups [N,N,...]`: `netsim run` of the traffic-group scenario once per size (after one small warm-up run),
/// printing the command's own wall line (its phases) and the wall time per group, for profiling outside BenchmarkDotNet.
/// </summary>
internal static class TrafficGroupRunner
{
    public static void Run(string? sizes)
    {
        int[] counts = sizes is null ? [1_000, 10_000, 50_000] : [.. sizes.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        Once(100); // JIT
        foreach (int n in counts)
        {
            var (seconds, wall) = Once(n);
            Console.WriteLine($"{n,7} groups: {seconds:0.00} s, {seconds / n * 1e6:0} µs per group; {wall}");
            Console.WriteLine($"{"",7}  parse and check: {ParseAndCheck(n)}");
        }
    }

    /// <summary>The parse-and-check phase's parts, as `netsim run` does them: load, profile, memory estimate, resolved scenario.</summary>
    private static string ParseAndCheck(int groups)
    {
        string file = TrafficGroupScenario.Write(groups);
        var clock = Stopwatch.StartNew();
        var s = NetSim.Experiments.Running.ScenarioInput.Load("run", file, []);
        double load = clock.Elapsed.TotalSeconds;
        new NetSim.Experiments.Running.ProfileCache().For(s);
        double profile = clock.Elapsed.TotalSeconds;
        NetSim.Experiments.Resources.MemoryLimit.Default.Check(s);
        double memory = clock.Elapsed.TotalSeconds;
        NetSim.Experiments.Running.ScenarioInput.Resolve(s);
        double resolve = clock.Elapsed.TotalSeconds;
        File.Delete(file);
        return $"load {load:0.000} s, profile {profile - load:0.000} s, memory estimate {memory - profile:0.000} s, resolve {resolve - memory:0.000} s";
    }

    private static (double Seconds, string WallLine) Once(int groups)
    {
        string file = TrafficGroupScenario.Write(groups);
        var stdout = new StringWriter();
        var clock = Stopwatch.StartNew();
        int code = NetsimApp.Run(["run", file], stdout, TextWriter.Null, RunnerFactory.Create());
        double seconds = clock.Elapsed.TotalSeconds;
        File.Delete(file);
        if (code is not (0 or 1)) throw new InvalidOperationException($"netsim run exited {code}: {stdout}");
        string text = stdout.ToString().ReplaceLineEndings(" ");
        int at = text.LastIndexOf("wall: ", StringComparison.Ordinal);
        string wall = at < 0 ? "(this netsim prints no phase line)" : text[at..].Trim();
        return (seconds, wall);
    }
}
