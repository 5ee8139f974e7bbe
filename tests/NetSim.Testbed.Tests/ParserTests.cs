namespace NetSim.Testbed.Tests;

/// <summary>iperf3's JSON and sockperf's text reports, from outputs captured on this project's testbed.</summary>
public class ParserTests
{
    private static string Captured(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Captured", name));

    [Fact]
    public void Iperf3_client_report_gives_the_receivers_goodput()
    {
        var r = Iperf3Result.Parse(Captured("iperf3-client-1stream.json"));
        // end.sum_received of the captured run, as iperf3 printed it.
        Assert.InRange(r.ReceivedBitsPerSecond, 1e9, 100e9);
        Assert.InRange(r.Seconds, 0.9, 1.2);
        Assert.Equal(r.Bytes * 8 / r.Seconds, r.ReceivedBitsPerSecond, 0.001 * r.ReceivedBitsPerSecond);
        Assert.InRange(r.HostCpuPercent, 0.0, 100.0);
    }

    [Fact]
    public void Iperf3_server_report_parses_too()
    {
        var r = Iperf3Result.Parse(Captured("iperf3-server.json"));
        Assert.True(r.ReceivedBitsPerSecond > 1e9);
    }

    [Fact]
    public void Iperf3_error_report_is_a_failed_run_with_iperf3s_reason()
    {
        var e = Assert.Throws<TestbedException>(() => Iperf3Result.Parse(Captured("iperf3-client-refused.json")));
        Assert.Contains("Connection refused", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("iperf3: error - unable to connect")]
    [InlineData("{\"end\": {}}")]
    public void Iperf3_output_without_totals_is_a_failed_run(string text) =>
        Assert.Throws<TestbedException>(() => Iperf3Result.Parse(text));

    [Fact]
    public void Sockperf_report_gives_round_trip_percentiles()
    {
        var r = SockperfResult.Parse(Captured("sockperf-pingpong-tcp.txt"));
        Assert.Equal(13.940, r.P50Us, 3);
        Assert.Equal(29.429, r.AverageRttUs, 3);
        Assert.Equal(49.743, r.PercentilesUs[99], 3);
        Assert.Equal(18577, r.Observations);
    }

    [Fact]
    public void Sockperf_one_way_report_is_refused()
    {
        string oneWay = Captured("sockperf-pingpong-tcp.txt").Replace("avg-rtt", "avg-latency", StringComparison.Ordinal);
        var e = Assert.Throws<TestbedException>(() => SockperfResult.Parse(oneWay));
        Assert.Contains("--full-rtt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sockperf_without_a_summary_is_a_failed_run() =>
        Assert.Throws<TestbedException>(() => SockperfResult.Parse("sockperf: ERROR: Connection refused\n"));
}
