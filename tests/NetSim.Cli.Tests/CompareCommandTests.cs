using NetSim.Experiments.Results;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

public sealed class CompareCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private List<ComparisonRow> Compare(string outDir, params string[] extra)
    {
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), ["compare", _h.ScenarioFile, "--out", outDir, "--no-charts", .. extra]);
        Assert.True(code == 0, stderr);
        return CsvTable.Read<ComparisonRow>(Path.Combine(outDir, "compare.csv"));
    }

    private static ComparisonRow Row(List<ComparisonRow> rows, string group, string metric, string datapath) =>
        rows.Single(r => r.Group == group && r.Metric == metric && r.Datapath == datapath);

    [Fact]
    public void Overheads_are_relative_changes_against_the_baseline()
    {
        // The runner's model: VXLAN (50 bytes) +85% RTT, -48% goodput, +66% CPU per Gbit; IPIP (20 bytes) +34%, -19.2%, +26.4%.
        var rows = Compare(_h.Out("out"), "--datapaths", "host,flannel-vxlan,calico-ipip");
        Assert.Equal(0.85, Row(rows, "rr", "p50_us", "flannel-vxlan").RelativeChange, 6);
        Assert.Equal(-0.48, Row(rows, "stream", "goodput_gbps", "flannel-vxlan").RelativeChange, 6);
        Assert.Equal(0.66, Row(rows, "(run)", "cpu_us_per_gbit", "flannel-vxlan").RelativeChange, 6);
        Assert.Equal(0.34, Row(rows, "rr", "p50_us", "calico-ipip").RelativeChange, 6);
        Assert.Equal(-0.192, Row(rows, "stream", "goodput_gbps", "calico-ipip").RelativeChange, 6);
        Assert.Equal(0, Row(rows, "rr", "p50_us", "host").RelativeChange);

        // Each row carries the value and the baseline's (rounded to 6 decimals in the file), and the change is their ratio less one.
        foreach (var r in rows.Where(r => r.BaselineValue != 0))
            Assert.Equal(r.Value / r.BaselineValue - 1, r.RelativeChange, 3);
        var s = ScenarioLoader.Load(_h.ScenarioFile);
        var p50 = Row(rows, "rr", "p50_us", "flannel-vxlan");
        Assert.Equal(FormulaRunner.P50Us(s, "host"), p50.BaselineValue, 5);
        Assert.Equal(FormulaRunner.P50Us(s, "flannel-vxlan"), p50.Value, 5);
        Assert.Equal("µs", p50.Unit);
        Assert.All(rows, r => Assert.Equal("host", r.Baseline));
    }

    [Fact]
    public void The_headline_reads_as_the_issue_asks()
    {
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--no-charts");
        Assert.True(code == 0, stderr);
        Assert.Contains("flannel-vxlan vs host: +85% RTT, -48% throughput, +66% CPU per Gbit/s", stdout, StringComparison.Ordinal);
        Assert.Contains("calico-ipip vs host: +34% RTT, -19% throughput, +26% CPU per Gbit/s", stdout, StringComparison.Ordinal);
        Assert.Contains("host (baseline)", stdout, StringComparison.Ordinal);
        Assert.Contains("(+85%)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Datapaths_come_from_the_scenario_and_the_baseline_is_host_by_default()
    {
        string outDir = _h.Out("out");
        var rows = Compare(outDir);
        Assert.Equal(["host", "flannel-vxlan", "calico-ipip"], CsvTable.Read<RunInfo>(Path.Combine(outDir, "run.csv")).Select(r => r.Datapath));
        Assert.All(rows, r => Assert.Equal("host", r.Baseline));
        // One resolved scenario per datapath, each with that datapath's own defaults.
        Assert.Equal("192.168.0.0/16", ScenarioLoader.Load(Path.Combine(outDir, "scenario.calico-ipip.yaml")).Cluster.PodCidr.ToString());
        Assert.Equal("flannel-vxlan", ScenarioLoader.Load(Path.Combine(outDir, "scenario.flannel-vxlan.yaml")).Cni.Datapath);
        Assert.Equal(3, CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv")).Count(g => g.Group == "rr"));
    }

    [Fact]
    public void The_scenarios_baseline_is_used_and_the_option_overrides_it()
    {
        var rows = Compare(_h.Out("scenario"), "--set", "baseline=calico-ipip");
        Assert.All(rows, r => Assert.Equal("calico-ipip", r.Baseline));
        Assert.Equal(1 / 1.34 - 1, Row(rows, "rr", "p50_us", "host").RelativeChange, 6);

        rows = Compare(_h.Out("option"), "--set", "baseline=calico-ipip", "--baseline", "flannel-vxlan");
        Assert.All(rows, r => Assert.Equal("flannel-vxlan", r.Baseline));
        Assert.Equal(1.34 / 1.85 - 1, Row(rows, "rr", "p50_us", "calico-ipip").RelativeChange, 6);
    }

    [Fact]
    public void A_baseline_missing_from_the_list_is_run_first()
    {
        string outDir = _h.Out("out");
        var rows = Compare(outDir, "--datapaths", "flannel-vxlan,calico-ipip");
        Assert.Equal(["host", "flannel-vxlan", "calico-ipip"], CsvTable.Read<RunInfo>(Path.Combine(outDir, "run.csv")).Select(r => r.Datapath));
        Assert.Equal(0.85, Row(rows, "rr", "p50_us", "flannel-vxlan").RelativeChange, 6);
    }

    [Fact]
    public void A_crash_in_one_datapath_exits_1_and_writes_nothing()
    {
        string outDir = _h.Out("out");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner { FailAfter = 2 }, "compare", _h.ScenarioFile, "--out", outDir, "--jobs", "1");
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd().Split('\n'), l => l.StartsWith("netsim: ", StringComparison.Ordinal)); // after the progress of the runs that finished
        Assert.Contains("over calico-ipip (seed 7) failed: InvalidOperationException: simulated crash in run 3", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Charts_show_overheads_cdfs_and_the_latency_budget()
    {
        string outDir = _h.Out("out");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--out", outDir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        string charts = Path.Combine(outDir, "charts");
        foreach (string chart in new[] { "overhead-rr-p50_us", "overhead-stream-goodput_gbps", "overhead-cpu_us_per_gbit", "latency-cdf-rr", "latency-budget", "cpu-by-element-flannel-vxlan" })
            Assert.True(File.Exists(Path.Combine(charts, chart + ".png")) && File.Exists(Path.Combine(charts, chart + ".svg")), chart);
        Assert.Contains("+85%", File.ReadAllText(Path.Combine(charts, "overhead-rr-p50_us.svg")), StringComparison.Ordinal);
        Assert.Contains("vxlan", File.ReadAllText(Path.Combine(charts, "latency-budget.svg")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(charts, "overhead-rr-retransmissions.png"))); // all zero: nothing to compare
    }
}
