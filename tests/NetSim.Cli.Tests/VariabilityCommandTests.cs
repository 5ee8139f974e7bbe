using NetSim.Engine.Costs;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Build;

namespace NetSim.Cli.Tests;

/// <summary>
/// The default profile's variability end to end with the real simulation: one seed one result, another seed another,
/// replications with a real confidence interval, and --exact-costs back to one latency for every transaction: the
/// same results as a profile without its variability section, on every command that runs simulations.
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

    private GroupSummary RunRr(params string[] extra) => RunRrIn(_h.Out($"run-{Guid.NewGuid():N}"), extra);

    private GroupSummary RunRrIn(string dir, params string[] extra)
    {
        var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["run", _h.Write("rr.yaml", Rr), "--out", dir, "--no-charts", .. extra]);
        Assert.True(code == 0, stderr);
        return CsvTable.Read<GroupSummary>(Path.Combine(dir, "summary.csv")).Single(g => g.Group == "rr");
    }

    [Fact]
    public void One_seed_draws_one_result_another_seed_another_and_exact_costs_give_p50_equal_p99()
    {
        string a = _h.Out("a"), b = _h.Out("b");
        var drawn = RunRrIn(a);
        RunRrIn(b);
        foreach (string file in new[] { "summary.csv", "latency.csv", "cdf.csv", "flows.csv", "hops.csv", "cpu.csv", "budget.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file))); // byte-identical
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
        SweepCommandTests.SweepCsvRow P99(string outDir, params string[] extra)
        {
            var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["sweep", sweep, "--out", outDir, "--no-charts", "--jobs", "1", .. extra]);
            Assert.True(code == 0, stderr);
            return SweepCommandTests.SweepCsv(Path.Combine(outDir, "sweep.csv")).Single(r => r.Group == "rr" && r.Metric == "p99_us");
        }
        var drawn = P99(_h.Out("drawn"));
        Assert.Equal(3, drawn.Replications);
        Assert.True(drawn.CiHalfWidth > 0.001 * drawn.Mean, $"p99 {drawn.Mean} ± {drawn.CiHalfWidth} µs: seeds should differ");
        Assert.Equal(0, P99(_h.Out("exact"), "--exact-costs").CiHalfWidth);
    }

    [Fact]
    public void Trace_shows_the_mean_exchange_and_exact_costs_drop_the_wakeups()
    {
        string file = _h.Write("rr.yaml", Rr);
        (string Stdout, double RoundTripUs) Trace(params string[] extra)
        {
            var (code, stdout, stderr) = CliHarness.Run(new ClusterSimulation(), ["trace", file, "--from", "pod:client", "--to", "pod:server", .. extra]);
            Assert.True(code == 0, stderr);
            string line = stdout.Split('\n').Single(l => l.StartsWith("round trip: ", StringComparison.Ordinal));
            return (stdout, double.Parse(line["round trip: ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        // Nothing is drawn in a trace: another seed traces the same exchange, at every cost's mean.
        var mean = Trace();
        Assert.Equal(mean.Stdout, Trace("--seed", "9").Stdout);
        // Its round trip is the run's mean (the draws vary around it); exact costs drop the two wakeups of 150 ns.
        string dir = _h.Out("mean");
        RunRrIn(dir);
        double runMean = CsvTable.Read<LatencyRow>(Path.Combine(dir, "latency.csv")).Single(l => l.Group == "rr" && l.Metric == "transaction").MeanUs;
        Assert.True(Math.Abs(mean.RoundTripUs - runMean) / runMean < 0.03, $"trace {mean.RoundTripUs} µs, run mean {runMean} µs");
        var exact = Trace("--exact-costs");
        Assert.Equal(mean.RoundTripUs - 0.3, exact.RoundTripUs, 2);
    }

    /// <summary>The default profile without its variability section: what --exact-costs must run.</summary>
    /// <summary>default.yaml with no spreads and no wakeups: its variability section keeps only the interrupt moderation, a mechanism --exact-costs keeps.</summary>
    private string ProfileWithOnlyItsModeration()
    {
        string text = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "profiles", "default.yaml"));
        int at = text.IndexOf("\nvariability:", StringComparison.Ordinal);
        Assert.True(at > 0);
        string moderation = text.Split('\n').Single(l => l.StartsWith("  interrupt_moderation:", StringComparison.Ordinal));
        string path = _h.Write("moderation-only.yaml", text[..(at + 1)] + "variability:\n" + moderation + "\n");
        var variability = CostProfileLoader.Load(path).Variability;
        Assert.True(variability.IsExact);
        Assert.True(variability.Moderation.Adaptive);
        return path;
    }

    [Fact]
    public void Exact_costs_give_the_same_files_as_a_profile_with_only_its_moderation()
    {
        string exactDir = _h.Out("exact"), plainDir = _h.Out("plain");
        string rr = _h.Write("rr.yaml", Rr);
        string plain = _h.Write("plain.yaml", Rr.Replace(Path.Combine(CalibrateCommandTests.Repo(), "profiles", "default.yaml"), ProfileWithOnlyItsModeration(), StringComparison.Ordinal));
        Assert.Equal(0, CliHarness.Run(new ClusterSimulation(), ["run", rr, "--out", exactDir, "--no-charts", "--exact-costs"]).Code);
        Assert.Equal(0, CliHarness.Run(new ClusterSimulation(), ["run", plain, "--out", plainDir, "--no-charts"]).Code);
        foreach (string file in new[] { "summary.csv", "latency.csv", "flows.csv", "hops.csv", "cpu.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(plainDir, file)), File.ReadAllText(Path.Combine(exactDir, file)));
    }

    [Fact]
    public void Compare_with_exact_costs_gives_every_datapath_one_latency()
    {
        List<ComparisonRow> Rows(string outDir, params string[] extra)
        {
            var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["compare", _h.Write("rr.yaml", Rr), "--datapaths", "host,flannel-vxlan", "--out", outDir, "--no-charts", "--jobs", "1", .. extra]);
            Assert.True(code == 0, stderr);
            return CsvTable.Read<ComparisonRow>(Path.Combine(outDir, "compare.csv"));
        }
        double Value(List<ComparisonRow> rows, string metric, string datapath) => rows.Single(r => r.Group == "rr" && r.Metric == metric && r.Datapath == datapath).Value;
        var exact = Rows(_h.Out("exact"), "--exact-costs");
        var drawn = Rows(_h.Out("drawn"));
        foreach (string datapath in new[] { "host", "flannel-vxlan" })
        {
            Assert.Equal(Value(exact, "p50_us", datapath), Value(exact, "p99_us", datapath));
            Assert.True(Value(drawn, "p99_us", datapath) > Value(drawn, "p50_us", datapath), datapath);
        }
    }

    [Fact]
    public void Check_reference_and_calibrate_with_exact_costs_run_the_mean_costs()
    {
        string repo = CalibrateCommandTests.Repo();
        File.Copy(Path.Combine(repo, "scenarios", "reference", "kube-proxy-first-packet.yaml"), Path.Combine(_h.Dir, "kube-proxy-first-packet.yaml"));
        const string Sets = "kube_proxy.mode=nftables;services[0].count=20;services[2].count=20;services[4].count=2;duration=20ms;warmup=2ms";
        string csv = _h.Write("tails.csv", string.Join("\n",
            "id,setup,scenario,datapath,set,metric,published,unit,tolerance_pct,fit,source",
            $"p01,nft,kube-proxy-first-packet.yaml,calico-bgp,{Sets},p50.first_packet_p01_us,8.0,us,,no,pm §3a",
            $"p50,nft,kube-proxy-first-packet.yaml,calico-bgp,{Sets},p50.first_packet_us,13.9,us,25,yes,pm §3a",
            $"p99,nft,kube-proxy-first-packet.yaml,calico-bgp,{Sets},p50.first_packet_p99_us,38.4,us,,no,pm §3a") + "\n");
        double[] Simulated(params string[] extra)
        {
            var (_, stdout, stderr) = CliHarness.Run(new ClusterSimulation(), ["check-reference", csv, "--markdown", "--jobs", "1", .. extra]);
            var rows = stdout.Split('\n').Where(l => l.StartsWith("| nft", StringComparison.Ordinal)).ToList();
            Assert.True(rows.Count == 3, stdout + stderr);
            return [.. rows.Select(l => double.Parse(l.Split('|')[4], System.Globalization.CultureInfo.InvariantCulture))];
        }
        // With exact costs the first packets differ only by queueing behind the other group's connections.
        double[] exact = Simulated("--exact-costs");
        Assert.Equal(exact, Simulated("--profile", ProfileWithOnlyItsModeration()));
        double[] drawn = Simulated();
        Assert.True(drawn[0] < drawn[1] && drawn[1] < drawn[2], string.Join(", ", drawn));
        Assert.True(drawn[2] - drawn[0] > 1.5 * (exact[2] - exact[0]), $"drawn {string.Join(", ", drawn)}, exact {string.Join(", ", exact)}");

        // calibrate --exact-costs fits at the means (as a profile with only the moderation does) and keeps the section.
        string Fit(string profile, string name, params string[] extra)
        {
            string outPath = Path.Combine(_h.Dir, name);
            var (code, _, stderr) = CliHarness.Run(new ClusterSimulation(), ["calibrate", csv, "--profile", profile, "--fit", "nftables.lookup", "--iterations", "1", "--jobs", "1", "--out", outPath, .. extra]);
            Assert.True(code == 0, stderr);
            return outPath;
        }
        var fitted = CostProfileLoader.Load(Fit(Path.Combine(repo, "profiles", "default.yaml"), "exact.yaml", "--exact-costs"));
        var plain = CostProfileLoader.Load(Fit(ProfileWithOnlyItsModeration(), "plain.yaml"));
        Assert.Equal(plain.Raw["nftables.lookup"], fitted.Raw["nftables.lookup"]);
        Assert.False(fitted.Variability.IsExact);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("compare")]
    [InlineData("trace")]
    [InlineData("sweep")]
    [InlineData("check-reference")]
    [InlineData("calibrate")]
    public void Every_command_that_runs_simulations_documents_exact_costs(string command)
    {
        var (code, stdout, _) = CliHarness.Run(new ClusterSimulation(), [command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("--exact-costs", stdout, StringComparison.Ordinal);
    }
}
