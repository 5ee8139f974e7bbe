using System.Collections.Concurrent;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Tests;

/// <summary>
/// `--threads N` on compare and sweep: every run of the command is split (the real simulation, its partitions
/// recorded), the files the command writes are those of one thread byte for byte (all but the wall-clock figures
/// of run.csv), and a scenario that cannot be split is refused before anything runs.
/// </summary>
public sealed class ThreadsOptionTests : IDisposable
{
    private const string Scenario = """
        name: threads
        seed: 7
        duration: 4ms
        warmup: 1ms
        cluster:
          nodes: { count: 3, cores: 4 }
          nic: { rate: 10Gbps }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, replicas: 2, placement: pinned, nodes: [node2, node3], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, count: 3, selector: { app: server }, ports: [{ port: 80, target_port: http }] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: service:web-0:80, streams: 2 }
          - { name: rr, kind: rr, from: pod:client, to: service:web-1:80 }
        compare: [host, flannel-vxlan]
        """;

    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>The real simulation, noting over how many threads each run was split.</summary>
    private sealed class RecordingRunner : IScenarioRunner
    {
        private readonly ClusterSimulation _inner = new();
        public readonly ConcurrentBag<int> Partitions = [];

        public RunResult Run(Scenario scenario, CostProfile profile, string? datapath, RunOptions options) =>
            _inner.Run(scenario, profile, datapath, options with { AfterRun = c => Partitions.Add(c.Context.Sim.Partitions) });

        public TraceResult Trace(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request) =>
            _inner.Trace(scenario, profile, datapath, request);
    }

    private (RecordingRunner Runner, string Dir) Netsim(string command, string file, int threads)
    {
        var runner = new RecordingRunner();
        string dir = _h.Out($"{command}-{threads}");
        var (code, _, stderr) = CliHarness.Run(runner, command, file, "--threads", $"{threads}", "--out", dir, "--no-charts", "--jobs", "1");
        Assert.True(code is 0 or 1, $"exit {code}: {stderr}");
        return (runner, dir);
    }

    /// <summary>Every CSV under <paramref name="dir"/> but run.csv (wall seconds, events per second, peak memory).</summary>
    private static SortedDictionary<string, string> Csvs(string dir) =>
        new(Directory.EnumerateFiles(dir, "*.csv", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "run.csv")
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllText), StringComparer.Ordinal);

    private static void AssertSame(string one, string two)
    {
        var a = Csvs(one);
        var b = Csvs(two);
        Assert.NotEmpty(a);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, text) in a) Assert.True(text == b[name], $"{name} differs between --threads 1 and 2");
    }

    [Fact]
    public void Compare_with_two_threads_splits_every_datapath_s_run_and_writes_what_one_thread_writes()
    {
        string file = _h.Write("threads.yaml", Scenario);
        var (one, oneDir) = Netsim("compare", file, 1);
        var (two, twoDir) = Netsim("compare", file, 2);
        Assert.Equal([1, 1], one.Partitions);
        Assert.Equal([2, 2], two.Partitions);
        Assert.True(File.Exists(Path.Combine(twoDir, "compare.csv")));
        AssertSame(oneDir, twoDir);
    }

    [Fact]
    public void A_sweep_with_two_threads_splits_every_run_and_writes_what_one_thread_writes()
    {
        _h.Write("threads.yaml", Scenario);
        string sweep = _h.Write("threads.sweep.yaml", """
            name: threads
            scenario: threads.yaml
            replications: 2
            parameters:
              kube_proxy.mode: [iptables, nftables]
            """);
        var (one, oneDir) = Netsim("sweep", sweep, 1);
        var (two, twoDir) = Netsim("sweep", sweep, 2);
        Assert.Equal([1, 1, 1, 1], one.Partitions);
        Assert.Equal([2, 2, 2, 2], two.Partitions);
        AssertSame(oneDir, twoDir);
    }

    [Fact]
    public void Compare_and_sweep_refuse_a_scenario_that_cannot_be_split_before_anything_runs()
    {
        string file = _h.Write("threads.yaml", Scenario + "\nevents:\n  - { at: 2ms, kind: node_down, node: node3 }\n");
        var runner = new RecordingRunner();
        string outDir = _h.Out("refused");
        var (code, _, stderr) = CliHarness.Run(runner, "compare", file, "--threads", "2", "--out", outDir);
        CliHarness.AssertRefused(code, stderr, "cannot be split across threads");
        string sweep = _h.Write("threads.sweep.yaml", "name: t\nscenario: threads.yaml\nparameters:\n  kube_proxy.mode: [iptables]\n");
        (code, _, stderr) = CliHarness.Run(runner, "sweep", sweep, "--threads", "2", "--out", outDir);
        CliHarness.AssertRefused(code, stderr, "cannot be split across threads");
        Assert.Empty(runner.Partitions);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_bad_thread_count_is_refused_by_compare_and_sweep()
    {
        string file = _h.Write("threads.yaml", Scenario);
        var (code, _, stderr) = CliHarness.Run(new RecordingRunner(), "compare", file, "--threads", "0");
        CliHarness.AssertRefused(code, stderr, "--threads must be between 1 and 64");
        string sweep = _h.Write("threads.sweep.yaml", "name: t\nscenario: threads.yaml\nparameters:\n  kube_proxy.mode: [iptables]\n");
        (code, _, stderr) = CliHarness.Run(new RecordingRunner(), "sweep", sweep, "--threads", "two");
        CliHarness.AssertRefused(code, stderr, "--threads must be a whole number");
    }
}
