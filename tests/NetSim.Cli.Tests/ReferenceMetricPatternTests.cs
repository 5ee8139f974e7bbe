using NetSim.Experiments.Calibration;

namespace NetSim.Cli.Tests;

/// <summary>A reference row's <c>PREFIX*.KEY</c>: the first packets of several traffic groups' connections, pooled.</summary>
public sealed class ReferenceMetricPatternTests
{
    [Fact]
    public void A_pattern_matches_the_groups_whose_names_start_with_its_prefix()
    {
        Assert.True(ReferenceMetric.TryParse("any-*.first_packet_p99_us", out var metric, out string problem), problem);
        Assert.True(metric.IsPattern);
        Assert.True(metric.NeedsTrace);
        Assert.True(metric.Matches("any-00"));
        Assert.True(metric.Matches("any-19"));
        Assert.False(metric.Matches("warm"));
        Assert.False(metric.Matches("many-01"));
    }

    [Fact]
    public void A_plain_group_matches_only_itself()
    {
        Assert.True(ReferenceMetric.TryParse("p50.first_packet_us", out var metric, out _));
        Assert.False(metric.IsPattern);
        Assert.True(metric.Matches("p50"));
        Assert.False(metric.Matches("p50x"));
    }

    [Theory]
    [InlineData("any-*.p50_us")]
    [InlineData("any-*.goodput_gbps")]
    [InlineData("rr*.us_per_transaction")]
    public void Only_the_first_packet_metrics_pool_groups(string text)
    {
        Assert.False(ReferenceMetric.TryParse(text, out _, out string problem));
        Assert.Contains("first-packet", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measurements_file_whose_set_has_more_semicolons_than_commas_still_reads_as_comma_separated()
    {
        string dir = Path.Combine(Path.GetTempPath(), "netsim-refpattern-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string csv = Path.Combine(dir, "m.csv");
            File.WriteAllText(Path.Combine(dir, "s.yaml"), "");
            string sets = string.Join(";", Enumerable.Range(0, 21).Select(i => $"services[{2 * i}].count=10"));
            File.WriteAllText(csv, "id,setup,scenario,datapath,set,metric,published,unit,tolerance_pct,fit,source\n" +
                $"kp.x,setup,s.yaml,calico-bgp,{sets},any-*.first_packet_us,47,us,25,yes,pm\n");
            var row = Assert.Single(ReferenceMeasurements.Load(csv));
            Assert.Equal(21, row.Sets.Count);
            Assert.Equal("any-*", row.Metric.Group);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
