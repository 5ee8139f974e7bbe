using NetSim.Experiments.Results;
using NetSim.Reporting.Charts;
using NetSim.Reporting.Records;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The printed comparison: per traffic group a table of metrics × datapaths, each cell the value and its change
/// against the baseline (red when worse, green when better); the run-wide metrics (CPU per Gbit/s); the headline
/// line per datapath; and a table on the simulator's own runs.
/// </summary>
public static class ComparisonView
{
    public static void Write(IAnsiConsole console, string scenario, IReadOnlyList<RunTables> runs, string baseline, IReadOnlyList<ComparisonRow> rows)
    {
        console.MarkupLine($"[bold]{Fmt.Escape(scenario)}[/] over {runs.Count} datapaths against [bold]{Fmt.Escape(baseline)}[/], seed {runs[0].Info.Seed}");
        var baseRun = runs.First(r => r.Datapath == baseline);
        foreach (var g in baseRun.Result.Groups)
            console.Write(MetricTable($"{g.Name} ({g.Kind}, {g.From} → {g.To})", g.Name, runs, baseline, rows));
        console.Write(MetricTable("whole run", Metrics.RunGroup, runs, baseline, rows));
        foreach (var r in runs.Where(r => r.Datapath != baseline))
        {
            string headline = Comparison.Headline(rows, baseRun, r.Datapath);
            if (headline.Length > 0) console.MarkupLine($"[bold]{Fmt.Escape(r.Datapath)}[/] vs {Fmt.Escape(baseline)}: {Fmt.Escape(headline)}");
        }
        console.Write(SimulatorTable(runs));
    }

    private static Table MetricTable(string title, string group, IReadOnlyList<RunTables> runs, string baseline, IReadOnlyList<ComparisonRow> rows)
    {
        var table = new Table().Title(Fmt.Escape(title)).AddColumn("metric").AddColumn("unit");
        foreach (var r in runs) table.AddColumn(new TableColumn(Fmt.Escape(r.Datapath == baseline ? $"{r.Datapath} (baseline)" : r.Datapath)).RightAligned());
        foreach (var metric in Metrics.All)
        {
            var cells = runs.Select(r => rows.FirstOrDefault(x => x.Group == group && x.Metric == metric.Key && x.Datapath == r.Datapath)).ToList();
            if (cells.All(c => c is null || c.Value == 0)) continue; // nothing to compare (no drops anywhere, no throughput of a request/response group)
            var line = new List<string> { Fmt.Escape(metric.Label), Fmt.Escape(metric.Unit) };
            line.AddRange(cells.Select(c => c is null ? "—" : Cell(c, metric)));
            table.AddRow(line.ToArray());
        }
        return table;
    }

    private static string Cell(ComparisonRow c, Metric metric)
    {
        string value = Fmt.Of(metric, c.Value);
        if (c.Datapath == c.Baseline) return value;
        string pct = OverheadBarChart.Percent(c.RelativeChange);
        bool worse = metric.LowerIsBetter ? c.RelativeChange > 0.01 : c.RelativeChange < -0.01;
        bool better = metric.LowerIsBetter ? c.RelativeChange < -0.01 : c.RelativeChange > 0.01;
        string colour = worse ? "red" : better ? "green" : "grey";
        return $"{value} [{colour}]({Fmt.Escape(pct)})[/]";
    }

    private static Table SimulatorTable(IReadOnlyList<RunTables> runs)
    {
        var table = new Table().Title("simulator").AddColumn("datapath");
        foreach (string h in new[] { "simulated s", "wall s", "events", "M events/s", "peak MiB" }) table.AddColumn(new TableColumn(h).RightAligned());
        table.AddColumn("packet conservation");
        foreach (var r in runs)
        {
            var i = r.Info;
            table.AddRow(Fmt.Escape(r.Datapath), Fmt.Seconds(i.SimulatedSeconds), Fmt.Seconds(i.WallSeconds), Fmt.Count(i.Events),
                Fmt.Number(i.EventsPerSecond / 1e6), Fmt.Number(i.PeakMemoryMiB),
                r.Result.Holds ? "holds" : $"[red bold]{Fmt.Escape(r.Result.Conservation.Holds ? r.Result.Invariants.ToString() : r.Result.Conservation.ToString())}[/]");
        }
        return table;
    }
}
