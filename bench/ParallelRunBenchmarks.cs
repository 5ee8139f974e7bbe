using BenchmarkDotNet.Attributes;
using NetSim.Cli;
using NetSim.Cli.CommandLine;

namespace NetSim.Bench;

/// <summary>
/// `netsim run --threads 1|2` of the all-to-all scenarios (bench/parallel: 16 and 64 nodes, every pod 8 TCP streams to a Service
/// over all pods), in process, through the real command line: the speed-up of splitting one run by node
/// (issue 20, item 4). The whole command is timed (parse, build, run, report), so the
/// run phase's own speed-up is larger; `--parallel` prints it phase by phase.
/// </summary>
// Run in process with a short monitoring job (bench/RESULTS.md, "Parallel engine", has the command line): the
// out-of-process build times out on the loaded machine.
public class ParallelRunBenchmarks
{
    [Params(16, 64)]
    public int Nodes { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    internal static string ScenarioPath(int nodes) => Path.Combine(ClusterScaleBenchmarks.Repo(), "bench", "parallel", $"all-to-all-{nodes}.yaml");

    [Benchmark]
    public int NetsimRunAllToAll()
    {
        int code = NetsimApp.Run(["run", ScenarioPath(Nodes), "--threads", Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TextWriter.Null, TextWriter.Null, RunnerFactory.Create());
        return code is 0 or 1 ? code : throw new InvalidOperationException($"netsim run exited {code}");
    }
}
