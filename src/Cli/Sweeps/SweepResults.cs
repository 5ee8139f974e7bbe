using NetSim.Experiments.Results;
using NetSim.Cli.Reports;
using NetSim.Engine.Statistics;
using NetSim.Reporting.Charts;
using NetSim.Reporting.Records;
using NetSim.Topologies.Simulation;
using Spectre.Console;
using NetSim.Reporting.Csv;

namespace NetSim.Cli.Sweeps;

/// <summary>
/// A sweep's results: each run's metrics (what runs/run-NNNNN.csv holds), their mean and Student-t 95% confidence
/// half-width per point across replications (sweep.csv), the line charts, and the printed table.
/// </summary>
public static class SweepResults
{
    /// <summary>Run-level count of packets that broke conservation (0 when it holds).</summary>
    public const string ConservationViolations = "conservation_violations";
    /// <summary>Run-level count of broken physical invariants (0 when they hold).</summary>
    public const string InvariantViolations = "invariant_violations";

    public static IEnumerable<SweepRunRow> RunRows(SweepPlanRow run, RunResult result)
    {
        foreach (var v in RunMetrics.Of(result))
            yield return new SweepRunRow(run.Run, run.Point, run.Replication, run.Seed, v.Group, v.Metric.Key, v.Value);
        var c = result.Conservation;
        yield return new SweepRunRow(run.Run, run.Point, run.Replication, run.Seed, Metrics.RunGroup, ConservationViolations,
            c.Sent - c.Delivered - c.Dropped - c.Absorbed - c.InFlight);
        yield return new SweepRunRow(run.Run, run.Point, run.Replication, run.Seed, Metrics.RunGroup, InvariantViolations, result.Invariants.Violations.Count);
    }

    /// <summary>
    /// Per point, per (group, metric) in the order the runs report them: mean and 95% half-width (NaN for one
    /// replication). One pass over the runs' rows, so a sweep of thousands of points summarises in linear time.
    /// </summary>
    public static IReadOnlyList<SweepRow> Summarise(IReadOnlyList<SweepPoint> points, IReadOnlyList<SweepPlanRow> plan, Func<SweepPlanRow, IReadOnlyList<SweepRunRow>> rowsOf)
    {
        var runsOf = plan.GroupBy(r => r.Point).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Replication).ToList());
        var summary = new List<SweepRow>();
        foreach (var point in points)
        {
            if (!runsOf.TryGetValue(point.Index, out var runs)) continue;
            var values = new Dictionary<(string Group, string Metric), List<double>>();
            var keys = new List<(string Group, string Metric)>();
            foreach (var x in runs.SelectMany(rowsOf))
            {
                if (!values.TryGetValue((x.Group, x.Metric), out var list))
                {
                    values[(x.Group, x.Metric)] = list = [];
                    keys.Add((x.Group, x.Metric));
                }
                if (double.IsFinite(x.Value)) list.Add(x.Value);
            }
            foreach (var (group, metric) in keys)
            {
                var v = values[(group, metric)];
                if (v.Count == 0) continue;
                var s = new ReplicationSummary(v);
                summary.Add(new SweepRow(point.Index, point.Parameters, group, metric, s.Count, s.Mean, s.Count > 1 ? s.HalfWidth95 : double.NaN));
            }
        }
        return summary;
    }

    /// <summary>
    /// sweep.csv: a row per point, group and metric with a column per parameter (named by its path, holding the
    /// point's value), then replications, mean and the 95% half-width (empty for one replication).
    /// </summary>
    public static string Csv(SweepFile sweep, IReadOnlyList<SweepPoint> points, IReadOnlyList<SweepRow> rows)
    {
        var header = new List<string> { "point" };
        header.AddRange(sweep.Parameters.Select(p => p.Path));
        header.AddRange(["group", "metric", "replications", "mean", "ci_half_width"]);
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.WriteRaw(text, header, rows.Select(r => (IReadOnlyList<object?>)new object?[] { r.Point }
            .Concat(sweep.Parameters.Select(p => (object?)points[r.Point].ValueOf(p.Path)))
            .Concat([r.Group, r.Metric, r.Replications, r.Mean, double.IsNaN(r.CiHalfWidth) ? null : r.CiHalfWidth]).ToList()));
        return text.ToString();
    }

    /// <summary>A line for each charted metric that is zero at every point (so it has no chart and no column), instead of leaving it out silently.</summary>
    public static IEnumerable<string> Notes(SweepFile sweep, IReadOnlyList<SweepRow> rows)
    {
        foreach (string key in sweep.ChartMetrics)
        {
            var mine = rows.Where(r => r.Metric == key).ToList();
            if (mine.Count == 0) yield return $"note: {key} is not reported by this scenario's traffic (no chart)";
            foreach (var group in mine.GroupBy(r => r.Group, StringComparer.Ordinal).Where(g => g.All(r => r.Mean == 0)))
                yield return $"note: {key}{(group.Key == Metrics.RunGroup ? "" : $" of {group.Key}")} is 0 at every point (no chart)";
        }
    }

    /// <summary>
    /// One chart per group and charted metric. With a numeric parameter: x = the first such parameter, a line per
    /// combination of the others, with its 95% band. With none (kube_proxy.mode: [iptables, nftables]): a bar per
    /// point with its 95% interval.
    /// </summary>
    public static void WriteCharts(string chartsDir, SweepFile sweep, IReadOnlyList<SweepPoint> points, IReadOnlyList<SweepRow> rows)
    {
        var xParam = sweep.Parameters.FirstOrDefault(p => p.Axis() is not null);
        foreach (string key in sweep.ChartMetrics)
        {
            var metric = Metrics.Find(key)!;
            foreach (string group in rows.Where(r => r.Metric == key).Select(r => r.Group).Distinct(StringComparer.Ordinal).ToList())
            {
                var selected = rows.Where(r => r.Metric == key && r.Group == group).ToList();
                if (selected.All(r => r.Mean == 0)) continue;
                string where = group == Metrics.RunGroup ? "" : $" of {group}";
                string file = Path.Combine(chartsDir, $"sweep-{(group == Metrics.RunGroup ? "run" : ResultFiles.Slug(group))}-{key}");
                if (xParam is null)
                {
                    SweepBarChart.Write(file, $"{sweep.Name}: {metric.Label}{where}", $"{metric.Label} ({metric.Unit})",
                        selected.Select(r => (points[r.Point].Parameters, r.Mean, double.IsNaN(r.CiHalfWidth) ? 0 : r.CiHalfWidth)).ToList());
                    continue;
                }
                var (xs, kind) = xParam.Axis()!.Value;
                bool logX = xParam.LogAxis(xs);
                var others = sweep.Parameters.Where(p => p != xParam).ToList();
                string SeriesOf(SweepPoint p) => others.Count == 0 ? sweep.Name
                    : others.Count == 1 ? p.ValueOf(others[0].Path) : string.Join(", ", others.Select(o => $"{o.Path}={p.ValueOf(o.Path)}"));
                double XOf(SweepPoint p) => xs[xParam.Values.ToList().IndexOf(p.ValueOf(xParam.Path))];
                var series = selected.GroupBy(r => SeriesOf(points[r.Point]), StringComparer.Ordinal)
                    .Select(g => (g.Key, (IReadOnlyList<(double, double, double)>)g.Select(r => (XOf(points[r.Point]), r.Mean, double.IsNaN(r.CiHalfWidth) ? 0 : r.CiHalfWidth)).ToList()))
                    .ToList();
                SweepLineChart.Write(file, $"{sweep.Name}: {metric.Label}{where} vs {xParam.Path}", xParam.Path + Quantity.AxisUnit(kind), $"{metric.Label} ({metric.Unit})", logX, series);
            }
        }
    }

    /// <summary>The most rows the printed table has (point × group); a larger sweep's table shows its first points and says how many rows are left to sweep.csv.</summary>
    public const int MaxTableRows = 60;

    /// <summary>A table of the charted metrics (mean ± 95% half-width) per point and group, at most <see cref="MaxTableRows"/> rows; the number of rows left out.</summary>
    public static (Table Table, int LeftOut) Table(SweepFile sweep, IReadOnlyList<SweepPoint> points, IReadOnlyList<SweepRow> rows)
    {
        int leftOut = 0;
        var shown = sweep.ChartMetrics.Where(k => rows.Any(r => r.Metric == k && r.Mean != 0)).Take(4).ToList();
        var table = new Table().Title($"{Fmt.Escape(sweep.Name)}: mean ± 95% CI over {sweep.Replications} replication(s)")
            .AddColumn(new TableColumn("point").RightAligned());
        foreach (var p in sweep.Parameters) table.AddColumn(new TableColumn(Fmt.Plain(p.Path)));
        table.AddColumn("group");
        foreach (string k in shown) table.AddColumn(TableFit.Column($"{Metrics.Find(k)!.Label}\n{Metrics.Find(k)!.Unit}", true));
        var byPoint = rows.Where(r => shown.Contains(r.Metric)).GroupBy(r => r.Point).ToDictionary(g => g.Key, g => g.ToList());
        var nonZero = rows.Where(r => r.Mean != 0).Select(r => (r.Group, r.Metric)).ToHashSet();
        foreach (var point in points)
            foreach (string group in byPoint.GetValueOrDefault(point.Index, []).Select(r => r.Group).Distinct(StringComparer.Ordinal))
            {
                if (table.Rows.Count >= MaxTableRows)
                {
                    leftOut++;
                    continue;
                }
                var mine = byPoint[point.Index];
                var cells = new List<Spectre.Console.Rendering.IRenderable> { Fmt.Plain(point.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
                cells.AddRange(sweep.Parameters.Select(p => Fmt.Plain(point.ValueOf(p.Path))));
                cells.Add(Fmt.Plain(group));
                cells.AddRange(shown.Select(k => Fmt.Plain(mine.FirstOrDefault(r => r.Group == group && r.Metric == k) is { } r && nonZero.Contains((group, k))
                    ? Fmt.Number(r.Mean) + (double.IsNaN(r.CiHalfWidth) ? "" : $" ± {Fmt.Number(r.CiHalfWidth)}") : "—")));
                table.AddRow(cells);
            }
        return (table, leftOut);
    }
}
