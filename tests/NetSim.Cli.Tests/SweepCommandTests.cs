using NetSim.Experiments.Results;
using NetSim.Cli.Sweeps;
using NetSim.Experiments.Sweeps;
using NetSim.Engine.Randomness;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

public sealed class SweepCommandTests : IDisposable
{
    /// <summary>A 6-point sweep (3 Service counts × 2 modes) × 3 replications of CliHarness's scenario.</summary>
    internal const string Sweep = """
        name: kps
        scenario: overlay.yaml
        replications: 3
        set: [duration=50ms]
        parameters:
          services[0].count: {log: [10, 1000, 3]}
          kube_proxy.mode: [iptables, ipvs]
        """;

    private readonly CliHarness _h = new();

    public SweepCommandTests() => _ = _h.ScenarioFile;

    public void Dispose() => _h.Dispose();

    private string SweepFile(string text = Sweep) => _h.Write("kps.sweep.yaml", text);

    private static (int Code, string Stdout, string Stderr) RunSweep(FormulaRunner runner, string sweep, string outDir, params string[] extra) =>
        CliHarness.Run(runner, ["sweep", sweep, "--out", outDir, "--no-charts", .. extra]);

    [Fact]
    public void The_example_sweep_in_the_repository_is_valid()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root)!;
        var sweep = Sweeps.SweepFile.Load(Path.Combine(root, "scenarios", "sweeps", "first-packet-latency.yaml"));
        Assert.Equal(24L, SweepPoint.Count(sweep));
        Assert.Equal(["10", "31", "99", "309", "970", "3045", "9558", "30000"], sweep.Parameters[0].Values);
        Assert.Equal(5, sweep.Replications);
        // The smallest point loads (the big ones take seconds to expand and are loaded by the sweep itself).
        var point = ScenarioLoader.Load(sweep.Scenario, sweep.Set.Concat(SweepPoint.At(sweep, 0).Overrides));
        Assert.Equal(10 + 1, point.Services.Count); // the generated Services and the target listed after them
        Assert.Equal("100ms", point.Duration.ToString());
    }

    [Fact]
    public void Log_and_linear_ranges_generate_the_values_people_would_write()
    {
        Assert.Equal(["10", "31", "99", "309", "970", "3045", "9558", "30000"], SweepParameter.Generate("10", "30000", 8, log: true, out _));
        Assert.Equal(["1500", "4000", "6500", "9000"], SweepParameter.Generate("1500", "9000", 4, log: false, out _));
        Assert.Equal(["1Gbps", "10Gbps", "100Gbps"], SweepParameter.Generate("1Gbps", "100Gbps", 3, log: true, out _));
        Assert.Equal(["64", "1KiB", "16KiB"], SweepParameter.Generate("64", "16KiB", 3, log: true, out _)); // a bare number is a size in bytes
        Assert.Equal(["1ms", "10ms", "100ms"], SweepParameter.Generate("1ms", "100ms", 3, log: true, out _));
        Assert.Equal(["0.5", "1", "1.5"], SweepParameter.Generate("0.5", "1.5", 3, log: false, out _));
        SweepParameter.Generate("1Gbps", "100ms", 3, log: true, out string error);
        Assert.Contains("different kinds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_takes_every_combination_with_the_first_parameter_slowest_and_zip_pairs_them()
    {
        var grid = SweepPoint.Of(Sweeps.SweepFile.Load(SweepFile()));
        Assert.Equal(["services[0].count=10; kube_proxy.mode=iptables", "services[0].count=10; kube_proxy.mode=ipvs", "services[0].count=100; kube_proxy.mode=iptables",
            "services[0].count=100; kube_proxy.mode=ipvs", "services[0].count=1000; kube_proxy.mode=iptables", "services[0].count=1000; kube_proxy.mode=ipvs"], grid.Select(p => p.Parameters));
        var zip = SweepPoint.Of(Sweeps.SweepFile.Load(SweepFile(Sweep.Replace("kube_proxy.mode: [iptables, ipvs]", "kube_proxy.mode: [iptables, ipvs, nftables]\ncombine: zip", StringComparison.Ordinal))));
        Assert.Equal(["services[0].count=10; kube_proxy.mode=iptables", "services[0].count=100; kube_proxy.mode=ipvs", "services[0].count=1000; kube_proxy.mode=nftables"],
            zip.Select(p => p.Parameters));
    }

    [Fact]
    public void A_sweep_reports_the_mean_and_95_percent_ci_of_each_point_over_its_replications()
    {
        string outDir = _h.Out("out");
        var runner = new FormulaRunner();
        var (code, stdout, stderr) = RunSweep(runner, SweepFile(), outDir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Equal(18, runner.Runs);
        // One column per parameter, named by its path, so the file loads as a tidy table.
        Assert.Equal("point,services[0].count,kube_proxy.mode,group,metric,replications,mean,ci_half_width", File.ReadLines(Path.Combine(outDir, "sweep.csv")).First());
        Assert.Contains("kps: mean ± 95% CI over 3 replication(s)", stdout, StringComparison.Ordinal);

        // Replication r of every point runs with seed SeedFor(7, "replication/r") (7 = the scenario's seed).
        var plan = CsvTable.Read<SweepPlanRow>(Path.Combine(outDir, "manifest.csv"));
        Assert.Equal(18, plan.Count);
        ulong[] seeds = [.. Enumerable.Range(0, 3).Select(r => RandomStreams.SeedFor(7, $"replication/{r}"))];
        Assert.All(plan, p => Assert.Equal(seeds[p.Replication], p.Seed));

        // Point 4 = 1000 Services under iptables: each replication's connect p50 from the runner's formula, then mean and t·s/√n.
        var point = ScenarioLoader.Load(Path.Combine(outDir, "points", "point-0004.yaml"));
        Assert.Equal(1000, point.Services.Count);
        Assert.Equal("iptables", point.KubeProxy.Mode);
        double[] xs = [.. seeds.Select(seed => Math.Round(FormulaRunner.ConnectP50Us(point with { Seed = seed }, "host"), 6))];
        double mean = xs.Average();
        double sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / 2);
        const double t975With2Df = 4.302652729911275;
        var row = SweepCsv(Path.Combine(outDir, "sweep.csv")).Single(r => r.Point == 4 && r.Group == "rr" && r.Metric == "connect_p50_us");
        Assert.Equal("1000", row.Values["services[0].count"]);
        Assert.Equal("iptables", row.Values["kube_proxy.mode"]);
        Assert.Equal(3, row.Replications);
        Assert.Equal(mean, row.Mean, 5);
        Assert.Equal(t975With2Df * sd / Math.Sqrt(3), row.CiHalfWidth, 5);
        Assert.True(row.CiHalfWidth > 0);
        Assert.Equal(0, SweepCsv(Path.Combine(outDir, "sweep.csv")).Single(r => r.Point == 4 && r.Metric == SweepResults.ConservationViolations).Mean);
    }

    [Fact]
    public void An_interrupted_sweep_resumes_where_it_stopped_and_ends_as_an_uninterrupted_one()
    {
        string sweep = SweepFile();
        string interrupted = _h.Out("interrupted"), whole = _h.Out("whole");

        var (code, _, stderr) = RunSweep(new FormulaRunner { FailAfter = 5 }, sweep, interrupted, "--jobs", "2");
        Assert.Equal(1, code);
        // Progress lines (one per finished run) go to stderr, then the failure as one line.
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Single(lines, l => l.StartsWith("netsim: ", StringComparison.Ordinal));
        Assert.All(lines.SkipLast(1), l => Assert.StartsWith("sweep (0 already done): ", l, StringComparison.Ordinal));
        Assert.Contains("5 of 18 runs are saved", lines[^1], StringComparison.Ordinal);
        Assert.Contains("--resume", stderr, StringComparison.Ordinal);
        Assert.Equal(5, Directory.GetFiles(Path.Combine(interrupted, "runs"), "*.csv").Length);
        Assert.False(File.Exists(Path.Combine(interrupted, "sweep.csv")));

        var resumed = new FormulaRunner();
        (code, _, stderr) = RunSweep(resumed, sweep, interrupted, "--resume", "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Equal(13, resumed.Runs); // only the missing runs ran

        Assert.Equal(0, RunSweep(new FormulaRunner(), sweep, whole, "--jobs", "1").Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "sweep.csv")), File.ReadAllBytes(Path.Combine(interrupted, "sweep.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "manifest.csv")), File.ReadAllBytes(Path.Combine(interrupted, "manifest.csv")));
        foreach (string f in Directory.GetFiles(Path.Combine(whole, "runs")))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(interrupted, "runs", Path.GetFileName(f))));

        // Resuming a finished sweep runs nothing and rewrites the same sweep.csv.
        var again = new FormulaRunner();
        Assert.Equal(0, RunSweep(again, sweep, whole, "--resume").Code);
        Assert.Equal(0, again.Runs);
    }

    [Fact]
    public void An_existing_sweep_is_continued_only_with_resume_and_only_if_it_is_the_same_sweep()
    {
        string outDir = _h.Out("out");
        Assert.Equal(0, RunSweep(new FormulaRunner(), SweepFile(), outDir).Code);
        var (code, _, stderr) = RunSweep(new FormulaRunner(), SweepFile(), outDir);
        Assert.Equal(2, code);
        Assert.Contains("pass --resume", stderr, StringComparison.Ordinal);
        (code, _, stderr) = RunSweep(new FormulaRunner(), SweepFile(Sweep.Replace("replications: 3", "replications: 2", StringComparison.Ordinal)), outDir, "--resume");
        Assert.Equal(2, code);
        Assert.Contains("holds a different sweep", stderr, StringComparison.Ordinal);
        // Exact costs are another sweep: their runs must not mix with drawn ones.
        (code, _, stderr) = RunSweep(new FormulaRunner(), SweepFile(), outDir, "--resume", "--exact-costs");
        Assert.Equal(2, code);
        Assert.Contains("--exact-costs changed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_breaks_conservation_makes_the_sweep_exit_1()
    {
        var (code, stdout, _) = RunSweep(new FormulaRunner { BreakConservation = true }, SweepFile(Sweep.Replace("replications: 3", "replications: 1", StringComparison.Ordinal)), _h.Out("out"));
        Assert.Equal(1, code);
        Assert.Contains("packet conservation failed in run 0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_plot_each_metric_against_the_first_numeric_parameter_a_line_per_other_value()
    {
        string outDir = _h.Out("out");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "sweep", SweepFile(), "--out", outDir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        string svg = File.ReadAllText(Path.Combine(outDir, "charts", "sweep-rr-connect_p50_us.svg"));
        foreach (string words in new[] { "connection setup p50 of rr vs services[0].count", "iptables", "ipvs", "(log scale)" })
            Assert.Contains(words, svg, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "sweep-stream-goodput_gbps.png")));
    }

    [Fact]
    public void A_sweep_of_categories_gets_a_bar_chart_per_metric_and_says_which_metrics_are_all_zero()
    {
        string outDir = _h.Out("out");
        string sweep = SweepFile("scenario: overlay.yaml\nreplications: 2\nmetrics: [p50_us, retransmissions]\nparameters:\n  kube_proxy.mode: [iptables, nftables]\n");
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "sweep", sweep, "--out", outDir);
        Assert.True(code == 0, stderr);
        string svg = File.ReadAllText(Path.Combine(outDir, "charts", "sweep-rr-p50_us.svg"));
        foreach (string words in new[] { "latency p50 of rr", "kube_proxy.mode=iptables", "kube_proxy.mode=nftables" })
            Assert.Contains(words, svg, StringComparison.Ordinal);
        // A requested metric that is zero everywhere is named, not silently dropped.
        Assert.Contains("note: retransmissions of rr is 0 at every point (no chart)", stdout, StringComparison.Ordinal);
    }

    internal sealed record SweepCsvRow(int Point, IReadOnlyDictionary<string, string> Values, string Group, string Metric, int Replications, double Mean, double CiHalfWidth);

    /// <summary>sweep.csv read by its header: the parameter columns sit between point and group.</summary>
    internal static List<SweepCsvRow> SweepCsv(string path)
    {
        var (header, rows) = CsvTable.ReadRaw(path);
        int group = header.ToList().IndexOf("group");
        double D(string s) => s.Length == 0 ? double.NaN : double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        return rows.Select(r => new SweepCsvRow(int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture),
            Enumerable.Range(1, group - 1).ToDictionary(i => header[i], i => r[i]), r[group], r[group + 1],
            int.Parse(r[group + 2], System.Globalization.CultureInfo.InvariantCulture), D(r[group + 3]), D(r[group + 4]))).ToList();
    }
}
