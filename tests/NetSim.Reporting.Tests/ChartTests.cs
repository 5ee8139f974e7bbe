using NetSim.Reporting.Charts;

namespace NetSim.Reporting.Tests;

public sealed class ChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-charts-").FullName;

    /// <summary>Set NETSIM_KEEP_CHARTS=1 to keep the rendered charts for a look.</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("NETSIM_KEEP_CHARTS") != "1") Directory.Delete(_dir, recursive: true);
    }

    private static void AssertChart(IReadOnlyList<string> files, params string[] svgWords)
    {
        Assert.Equal(2, files.Count);
        var png = File.ReadAllBytes(files[0]);
        Assert.True(png.Length > 5000, "a PNG of a real chart is not tiny");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        string svg = File.ReadAllText(files[1]);
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        foreach (string w in svgWords) Assert.Contains(w, svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_cdf_has_title_axes_and_legend()
    {
        var rng = new Random(1);
        var series = new List<(string, IReadOnlyList<double>)>
        {
            ("host", Enumerable.Range(0, 500).Select(_ => 20 + rng.NextDouble() * 5).ToList()),
            ("flannel-vxlan", Enumerable.Range(0, 500).Select(_ => 29 + rng.NextDouble() * 8).ToList()),
        };
        AssertChart(LatencyCdfChart.Write(Path.Combine(_dir, "cdf"), "TCP_RR latency", series), "TCP_RR latency", "latency (µs)", "flannel-vxlan");
    }

    [Fact]
    public void Overhead_bars_are_labelled_against_the_baseline()
    {
        var files = OverheadBarChart.Write(Path.Combine(_dir, "bars"), "RTT by datapath", "RTT (µs)",
            [("host", 20), ("flannel-vxlan", 37), ("calico-bgp", 27.8)], "host");
        AssertChart(files, "RTT by datapath", "+85%", "+39%", "baseline");
    }

    [Theory]
    [InlineData(0.85, "+85%")]
    [InlineData(-0.48, "-48%")]
    [InlineData(0.025, "+2.5%")]
    [InlineData(-0.0001, "±0%")]
    [InlineData(double.NaN, "n/a")]
    public void Overheads_read_as_signed_percentages(double change, string text) => Assert.Equal(text, OverheadBarChart.Percent(change));

    [Fact]
    public void Relative_change_against_a_zero_baseline_is_zero_or_undefined()
    {
        Assert.Equal(0.85, OverheadBarChart.RelativeChange(37, 20), 12);
        Assert.Equal(0, OverheadBarChart.RelativeChange(0, 0));
        Assert.True(double.IsNaN(OverheadBarChart.RelativeChange(3, 0)));
    }

    [Fact]
    public void Latency_cdf_from_points_renders() =>
        AssertChart(LatencyCdfChart.WritePoints(Path.Combine(_dir, "cdfp"), "RR latency",
            [("host", [(18.0, 0.0), (20.0, 0.5), (25.0, 0.99), (30.0, 1.0)]), ("cilium-ebpf", [(19.0, 0.0), (21.0, 0.5), (27.0, 1.0)])]),
            "RR latency", "cilium-ebpf");

    [Fact]
    public void Latency_budget_stacks_segments_with_a_legend() =>
        AssertChart(LatencyBudgetChart.Write(Path.Combine(_dir, "budget"), "latency budget",
            [("host", [("tcp", 4.0), ("nic", 3.0), ("wire", 1.0)]), ("flannel-vxlan", [("tcp", 4.0), ("vxlan", 5.0), ("nic", 3.0), ("wire", 1.2)])]),
            "latency budget", "vxlan", "wire");

    [Fact]
    public void Cpu_by_element_and_sweep_lines_render()
    {
        AssertChart(CpuByElementChart.Write(Path.Combine(_dir, "cpu"), "where the cycles went", [("tcp.receive", 120), ("vxlan.decap", 80), ("veth.xmit", 10)]), "tcp.receive");
        AssertChart(SweepLineChart.Write(Path.Combine(_dir, "sweep"), "first-packet latency", "Services", "p50 (µs)", logX: true,
            [("iptables", [(5000, 47, 2), (10000, 62, 3), (30000, 273, 9)]), ("nftables", [(5000, 14, 1), (10000, 14.2, 1), (30000, 14.2, 1)])]),
            "first-packet latency", "nftables");
    }
}
