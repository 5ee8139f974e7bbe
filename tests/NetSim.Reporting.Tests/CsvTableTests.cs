using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Reporting.Tests;

public class CsvTableTests
{
    [Theory]
    [InlineData("GoodputGbps", "goodput_gbps")]
    [InlineData("P999Us", "p999_us")]
    [InlineData("CpuUsPerGbit", "cpu_us_per_gbit")]
    [InlineData("FlowId", "flow_id")]
    [InlineData("PeakMemoryMiB", "peak_memory_mib")]
    public void Headers_are_snake_case_with_their_unit(string member, string header) =>
        Assert.Equal(header, CsvTable.SnakeCase(member));

    [Fact]
    public void Writes_tidy_invariant_rows_that_read_back()
    {
        var rows = new[]
        {
            new LatencyRow("flannel-vxlan", "rr", "transaction", 1000, 29.25, 20.5, 28.125, 31, 40.1234567, 55, 80),
            new LatencyRow("host", "rr", "transaction", 1000, 20.9, 18, 20, 22, 25, 30, 31),
        };
        var sw = new StringWriter();
        CsvTable.Write(sw, rows);
        string text = sw.ToString();
        Assert.StartsWith("datapath,group,metric,count,mean_us,min_us,p50_us,p90_us,p99_us,p999_us,max_us\n", text, StringComparison.Ordinal);
        Assert.Contains("flannel-vxlan,rr,transaction,1000,29.25,20.5,28.125,31,40.123457,55,80\n", text, StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"netsim-csv-{Guid.NewGuid():N}.csv");
        try
        {
            CsvTable.Write(path, rows);
            var back = CsvTable.Read<LatencyRow>(path);
            Assert.Equal(rows[1], back[1]);
            Assert.Equal(40.123457, back[0].P99Us);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
