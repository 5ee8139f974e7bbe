using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Build;

namespace NetSim.Cli.Tests;

/// <summary>
/// The default profile's variability end to end with the real simulation: one seed one result, another seed another,
/// replications with a real confidence interval, and --exact-costs back to one latency for every transaction.
/// </summary>
public sealed class VariabilityCommandTests : IDisposable
{
    /// <summary>The repository's default profile by path: a temporary directory's neighbours may hold other profiles.</summary>
    private static readonly string Rr = $$"""
        name: rr
        profile: {{Path.Combine(CalibrateCommandTests.Repo(), "profiles", "default.yaml")}}
        seed: 3
        duration: 4ms
        warmup: 1ms
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 10Gbps }
        cni: { datapath: host }
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2], ports: [{ name: rr, port: 12865 }] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private const string Sweep = """
        name: rr-reps
        scenario: rr.yaml
        replications: 3
        parameters:
          cluster.nodes.cores: [4]
        """;

    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private GroupSummary RunRr(params string[] extra)
    {
        string dir = _h.Out($"run-{Guid.NewGuid():N}");
        var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["run", _h.Write("rr.yaml", Rr), "--out", dir, "--no-charts", .. extra]);
        Assert.True(code == 0, stderr);
        return CsvTable.Read<GroupSummary>(Path.Combine(dir, "summary.csv")).Single(g => g.Group == "rr");
    }

    [Fact]
    public void One_seed_draws_one_result_another_seed_another_and_exact_costs_give_p50_equal_p99()
    {
        var drawn = RunRr();
        Assert.Equal(drawn, RunRr());
        Assert.True(drawn.P99Us > drawn.P50Us * 1.05, $"TCP_RR p50 {drawn.P50Us} µs, p99 {drawn.P99Us} µs: the default profile's variability should give a tail");
        var other = RunRr("--seed", "8");
        Assert.NotEqual(drawn.P99Us, other.P99Us);
        var exact = RunRr("--exact-costs");
        Assert.Equal(exact.P50Us, exact.P99Us);
        Assert.Equal(exact, RunRr("--exact-costs", "--seed", "8")); // nothing random left in a TCP_RR run
    }

    [Fact]
    public void Replications_give_a_confidence_interval_and_exact_costs_none()
    {
        _h.Write("rr.yaml", Rr);
        string sweep = _h.Write("rr.sweep.yaml", Sweep);
        SweepRow P99(string outDir, params string[] extra)
        {
            var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["sweep", sweep, "--out", outDir, "--no-charts", "--jobs", "1", .. extra]);
            Assert.True(code == 0, stderr);
            return CsvTable.Read<SweepRow>(Path.Combine(outDir, "sweep.csv")).Single(r => r.Group == "rr" && r.Metric == "p99_us");
        }
        var drawn = P99(_h.Out("drawn"));
        Assert.Equal(3, drawn.Replications);
        Assert.True(drawn.CiHalfWidth > 0.001 * drawn.Mean, $"p99 {drawn.Mean} ± {drawn.CiHalfWidth} µs: seeds should differ");
        Assert.Equal(0, P99(_h.Out("exact"), "--exact-costs").CiHalfWidth);
    }

    [Fact]
    public void Trace_shows_a_drawn_exchange_unless_asked_for_exact_costs()
    {
        string file = _h.Write("rr.yaml", Rr);
        string RoundTrip(params string[] extra)
        {
            var (code, stdout, stderr) = CliHarness.Run(new ClusterSimulation(), ["trace", file, "--from", "pod:client", "--to", "pod:server", .. extra]);
            Assert.True(code == 0, stderr);
            return stdout;
        }
        string exact = RoundTrip("--exact-costs");
        Assert.Equal(exact, RoundTrip("--exact-costs", "--seed", "9"));
        string drawn = RoundTrip();
        Assert.Equal(drawn, RoundTrip());
        Assert.NotEqual(exact, drawn);
        Assert.NotEqual(drawn, RoundTrip("--seed", "9"));
    }
}
