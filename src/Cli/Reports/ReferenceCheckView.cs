using NetSim.Experiments.Calibration;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>A reference check as terminal tables: every figure, then the orderings, then the summary line.</summary>
public static class ReferenceCheckView
{
    public static void Write(ReferenceCheck check, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"reference figures, profile {Markup.Escape(check.ProfileName)}");
        table.AddColumns("setup", "metric", "published", "simulated", "error", "tolerance", "result", "source");
        foreach (var c in new[] { 2, 3, 4, 5 }) table.Columns[c].RightAligned();
        foreach (var r in check.Results)
            table.AddRow(Markup.Escape(r.Row.Setup), Markup.Escape(ReferenceCheck.MetricText(r.Row)), Markup.Escape(ReferenceCheck.Number(r.Row.Published)),
                Markup.Escape(ReferenceCheck.Number(r.Simulated)), Markup.Escape(ReferenceCheck.Error(r)), Markup.Escape(ReferenceCheck.Tolerance(r.Row)), Verdict(r.Passed, r.Verdict), Markup.Escape(r.Row.Source));
        console.Write(table);
        var orders = new Table().Border(TableBorder.Rounded).Title("orderings the sources report");
        orders.AddColumns("check", "simulated", "result", "source");
        foreach (var o in check.Orderings)
            orders.AddRow(Markup.Escape(o.Ordering.Check), Markup.Escape(ReferenceCheck.OrderingText(o)), Verdict(o.Passed, o.Passed ? "pass" : "FAIL"), Markup.Escape(o.Ordering.Source));
        if (check.Orderings.Count > 0) console.Write(orders);
        console.WriteLine(check.Summary);
    }

    private static string Verdict(bool? passed, string text) => passed switch { true => "[green]pass[/]", false => $"[red]{text}[/]", null => "info" };
}
