using NetSim.Experiments;
using NetSim.Experiments.Results;
using NetSim.Experiments.Running;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Tests;

/// <summary>
/// Property test of the comparison invariant: random clusters, NICs and TCP traffic, each run over host networking
/// and over a random pod datapath with the calibrated profile; the pod path never spends less CPU per Gbit/s once
/// past slow start (30 ms measured after 10 ms).
/// </summary>
public sealed class PodPathCpuPropertyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-podcpu-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 12));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_pod_path_costs_at_least_the_host_path_per_gbit(int seed)
    {
        var rng = new Random(seed * 104_729);
        var pods = DatapathNames.All.Where(d => d != DatapathNames.Host).OrderBy(d => d, StringComparer.Ordinal).ToList();
        string datapath = pods[rng.Next(pods.Count)];
        int cores = new[] { 2, 4, 8 }[rng.Next(3)];
        string rate = new[] { "10Gbps", "25Gbps", "100Gbps" }[rng.Next(3)];
        int mtu = rng.Next(2) == 0 ? 1500 : 9000;
        string traffic = rng.Next(2) == 0
            ? $"{{ name: t, kind: bulk, streams: {1 + rng.Next(3)}, from: pod:a, to: pod:b }}"
            : $"{{ name: t, kind: rr, in_flight: {1 + rng.Next(4)}, from: pod:a, to: pod:b }}";
        string file = Path.Combine(_dir, "s.yaml");
        File.WriteAllText(file, $$"""
            name: pod-cpu-{{seed}}
            seed: {{seed}}
            duration: 40ms
            warmup: 10ms
            cluster:
              nodes: { count: 2, cores: {{cores}} }
              nic: { rate: {{rate}}, mtu: {{mtu}} }
            cni: { datapath: host }
            workloads:
              - { name: a, placement: pinned, nodes: [node1] }
              - { name: b, placement: pinned, nodes: [node2] }
            traffic:
              - {{traffic}}
            """);
        var profile = ProfileLocator.Load(Path.Combine(CalibrateCommandTests.Repo(), "profiles", "default.yaml"), null);
        var runner = new ClusterSimulation();
        var runs = new[] { DatapathNames.Host, datapath }
            .Select(d => (d, runner.Run(ScenarioInput.Load("test", file, [], null, d), profile, null, RunOptions.Default)))
            .ToList();
        Assert.All(runs, r => Assert.True(r.Item2.Holds, r.Item2.Invariants.ToString()));
        var violations = PodPathCpuCheck.Check(runs);
        Assert.True(violations.Count == 0, $"{datapath}, {cores} cores, {rate}, MTU {mtu}, {traffic}: {string.Join("; ", violations)}");
    }
}
