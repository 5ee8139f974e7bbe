using NetSim.Experiments.Results;
using NetSim.Reporting.Charts;
using NetSim.Reporting.Records;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// The printed comparison: per traffic group a table with a row per datapath (full names) and a column per metric,
/// each cell the value and its change against the baseline (red when worse, green when better), split into further
/// tables when the metrics do not fit the terminal's width (unless wide); the run-wide metrics; the headline line
/// per datapath; and a table on the simulator's own runs.
/// </summary>
public static class ComparisonView
{
    public static void Write(IAnsiConsole console, string scenario, IReadOnlyList<RunTables> runs, string baseline, IReadOnlyList<ComparisonRow> rows, bool wide = false)
    {
        Fmt.Line(console, $"{scenario} over {runs.Count} datapaths against {baseline}, seed {runs[0].Info.Seed}; each cell: value (change against {baseline})", new Style(decoration: Decoration.Bold));
        var baseRun = runs.First(r => r.Datapath == baseline);
        int width = wide ? int.MaxValue : console.Profile.Width;
        int consoleWidth = console.Profile.Width;
        if (wide) console.Profile.Width = 1000; // --wide: tables as wide as their content (the terminal or pager scrolls)
        foreach (var g in baseRun.Result.Groups)
            MetricTables(console, $"{g.Name} ({g.Kind}, {g.From} → {g.To})", g.Name, runs, baseline, rows, width);
        MetricTables(console, "whole run", Metrics.RunGroup, runs, baseline, rows, width);
        console.Profile.Width = consoleWidth;
        foreach (var r in runs.Where(r => r.Datapath != baseline))
        {
            string headline = Comparison.Headline(rows, baseRun, r.Datapath);
            if (headline.Length > 0) Fmt.Line(console, $"{r.Datapath} vs {baseline}: {headline}");
        }
        console.Write(SimulatorTable(runs));
    }

    private static void MetricTables(IAnsiConsole console, string title, string group, IReadOnlyList<RunTables> runs, string baseline, IReadOnlyList<ComparisonRow> rows, int width)
    {
        var metrics = new List<(Metric Metric, List<ComparisonRow?> Cells)>();
        foreach (var metric in Metrics.All)
        {
            var cells = runs.Select(r => rows.FirstOrDefault(x => x.Group == group && x.Metric == metric.Key && x.Datapath == r.Datapath)).ToList();
            if (cells.All(c => c is null)) continue;
            metrics.Add((metric, cells));
        }
        var zero = metrics.Where(m => m.Cells.All(c => c is null || c.Value == 0)).Select(m => m.Metric.Label).ToList();
        metrics.RemoveAll(m => m.Cells.All(c => c is null || c.Value == 0));
        if (metrics.Count == 0) return;

        var names = runs.Select(r => r.Datapath == baseline ? $"{r.Datapath} (baseline)" : r.Datapath).ToList();
        int nameWidth = Math.Max("datapath".Length, names.Max(n => n.Length));
        var texts = metrics.Select(m => m.Cells.Select(c => c is null ? "—" : CellText(c, m.Metric)).ToList()).ToList();
        var cellWidths = texts.Select(t => Math.Max(8, t.Max(x => x.Length))).ToList();
        var headers = metrics.Select((m, i) => $"{TableFit.Wrap(m.Metric.Label, cellWidths[i])}\n{m.Metric.Unit}").ToList();
        var widths = metrics.Select((m, i) => Math.Max(TableFit.LineWidth(headers[i]), cellWidths[i])).ToList();
        var parts = TableFit.Split([nameWidth], widths, width);
        for (int p = 0; p < parts.Count; p++)
        {
            Fmt.Line(console, parts.Count == 1 ? title : $"{title}, {p + 1} of {parts.Count}", new Style(decoration: Decoration.Bold));
            var table = new Table().AddColumn(TableFit.Column("datapath", false));
            foreach (int i in parts[p]) table.AddColumn(TableFit.Column(headers[i], true));
            for (int r = 0; r < runs.Count; r++)
            {
                var line = new List<Spectre.Console.Rendering.IRenderable> { Fmt.Plain(names[r]) };
                foreach (int i in parts[p]) line.Add(Cell(metrics[i].Cells[r], metrics[i].Metric));
                table.AddRow(line);
            }
            console.Write(table);
        }
        if (zero.Count > 0) Fmt.Line(console, $"zero on every datapath: {string.Join(", ", zero)}");
    }

    private static string CellText(ComparisonRow c, Metric metric) =>
        c.Datapath == c.Baseline ? Fmt.Of(metric, c.Value) : $"{Fmt.Of(metric, c.Value)} ({OverheadBarChart.Percent(c.RelativeChange)})";

    private static Spectre.Console.Rendering.IRenderable Cell(ComparisonRow? c, Metric metric)
    {
        if (c is null) return Fmt.Plain("—");
        string value = Fmt.Of(metric, c.Value);
        if (c.Datapath == c.Baseline) return Fmt.Plain(value);
        bool worse = metric.LowerIsBetter ? c.RelativeChange > 0.01 : c.RelativeChange < -0.01;
        bool better = metric.LowerIsBetter ? c.RelativeChange < -0.01 : c.RelativeChange > 0.01;
        var colour = worse ? Color.Red : better ? Color.Green : Color.Grey;
        return new Paragraph().Append(value + " ").Append($"({OverheadBarChart.Percent(c.RelativeChange)})", new Style(colour));
    }

    private static Table SimulatorTable(IReadOnlyList<RunTables> runs)
    {
        var table = new Table().Title("simulator").AddColumn("datapath");
        foreach (string h in new[] { "simulated s", "wall s", "events", "M events/s", "peak MiB" }) table.AddColumn(new TableColumn(h).RightAligned());
        table.AddColumn("packet conservation");
        bool policies = runs.Any(r => r.Result.NetworkPolicy.Length > 0);
        if (policies) table.AddColumn("policy");
        foreach (var r in runs)
        {
            var i = r.Info;
            var policy = r.Result.NetworkPolicy == "not enforced" ? Fmt.Plain("NOT enforced", new Style(Color.Yellow, decoration: Decoration.Bold)) : Fmt.Plain(r.Result.NetworkPolicy);
            var cells = new List<Text>
            {
                Fmt.Plain(r.Datapath), Fmt.Plain(Fmt.Seconds(i.SimulatedSeconds)), Fmt.Plain(Fmt.Seconds(i.WallSeconds)), Fmt.Plain(Fmt.Count(i.Events)),
                Fmt.Plain(Fmt.Number(i.EventsPerSecond / 1e6)), Fmt.Plain(Fmt.Number(i.PeakMemoryMiB)),
                r.Result.Holds ? Fmt.Plain("holds") : Fmt.Plain(r.Result.Conservation.Holds ? r.Result.Invariants.ToString() : r.Result.Conservation.ToString(),
                    new Style(Color.Red, decoration: Decoration.Bold)),
            };
            if (policies) cells.Add(policy);
            table.AddRow(cells);
        }
        return table;
    }
}
