using NetSim.Experiments.Results;
using NetSim.Reporting.Charts;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Reports;

/// <summary>
/// Every metric of every datapath against the baseline's: the value, the baseline's, and the relative change
/// ((value − baseline) / baseline, so +0.85 reads "+85%"); and the one-line headline per datapath
/// ("+85% RTT, -48% throughput, +66% CPU per Gbit/s").
/// </summary>
public static class Comparison
{
    /// <summary>Rows in the baseline's order of groups and metrics, then datapaths in the order run (the baseline's own rows included).</summary>
    public static IReadOnlyList<ComparisonRow> Rows(IReadOnlyList<RunTables> runs, string baseline)
    {
        var values = runs.ToDictionary(r => r.Datapath, r => RunMetrics.Of(r.Result), StringComparer.Ordinal);
        var rows = new List<ComparisonRow>();
        foreach (var b in values[baseline])
            foreach (var run in runs)
            {
                var v = values[run.Datapath].FirstOrDefault(x => x.Group == b.Group && x.Metric == b.Metric);
                if (v is null) continue;
                rows.Add(new ComparisonRow(b.Group, b.Metric.Key, b.Metric.Unit, run.Datapath, baseline, v.Value, b.Value,
                    OverheadBarChart.RelativeChange(v.Value, b.Value)));
            }
        return rows;
    }

    /// <summary>
    /// The headline of one datapath: round-trip latency (p50 of the first request/response group), throughput (of
    /// the first bulk group) and CPU per Gbit/s, each as its change against the baseline. Empty parts are left out.
    /// </summary>
    public static string Headline(IReadOnlyList<ComparisonRow> rows, RunTables baseline, string datapath)
    {
        var parts = new List<string>();
        var groups = baseline.Result.Groups;
        var latencyGroup = groups.FirstOrDefault(g => g.Kind is "rr" or "ping" && g.Application.TransactionLatency.Count > 0)
                           ?? groups.FirstOrDefault(g => g.Application.TransactionLatency.Count > 0);
        if (latencyGroup is not null && Change(rows, latencyGroup.Name, Metrics.P50, datapath) is { } rtt)
            parts.Add($"{OverheadBarChart.Percent(rtt)} {(latencyGroup.Kind is "rr" or "ping" ? "RTT" : $"{latencyGroup.Kind} latency")}");
        var bulk = groups.FirstOrDefault(g => g.Kind is "bulk" or "replay" && g.Application.GoodputBitsPerSecond > 0);
        if (bulk is not null && Change(rows, bulk.Name, Metrics.Goodput, datapath) is { } tput)
            parts.Add($"{OverheadBarChart.Percent(tput)} throughput");
        if (Change(rows, Metrics.RunGroup, Metrics.CpuPerGbit, datapath) is { } cpu)
            parts.Add($"{OverheadBarChart.Percent(cpu)} CPU per Gbit/s");
        return string.Join(", ", parts);
    }

    public static double? Change(IReadOnlyList<ComparisonRow> rows, string group, Metric metric, string datapath) =>
        rows.FirstOrDefault(r => r.Group == group && r.Metric == metric.Key && r.Datapath == datapath)?.RelativeChange;
}
