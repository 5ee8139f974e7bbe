using NetSim.Experiments.Calibration;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>A cross-validation as terminal tables: per source, per held-out row, per fitted number; then the summary line.</summary>
public static class CrossValidationView
{
    public static void Write(CrossValidationResult result, IAnsiConsole console)
    {
        var sources = new Table().Border(TableBorder.Rounded)
            .Title($"leave-one-source-out, base {Markup.Escape(result.BaseProfile)}, fitting {Markup.Escape(string.Join(", ", result.Parameters.Select(p => p.Name)))}");
        sources.AddColumns("left out", "rows", "fit to", "in sample", "held out", "worst held-out row", "in tol.", "result");
        foreach (var c in new[] { 1, 2, 3, 4, 6 }) sources.Columns[c].RightAligned();
        foreach (var f in result.Folds)
            sources.AddRow(Markup.Escape(f.Source), $"{f.InSample.Count}", $"{f.TrainingRows}", CrossValidationResult.Percent(f.InSampleMeanPercent),
                CrossValidationResult.Percent(f.HeldOutMeanPercent), Markup.Escape(CrossValidationResult.WorstText(f)), $"{f.WithinTolerance}/{f.HeldOut.Count}",
                f.Fit is null ? Markup.Escape(CrossValidationResult.Verdict(f)) : f.Holds ? "[green]pass[/]" : "[red]FAIL[/]");
        console.Write(sources);

        var rows = new Table().Border(TableBorder.Rounded).Title("held-out predictions");
        rows.AddColumns("row", "published", "in sample", "held out", "error");
        foreach (var c in new[] { 1, 2, 3, 4 }) rows.Columns[c].RightAligned();
        foreach (var f in result.Folds)
            for (int i = 0; i < f.HeldOut.Count; i++)
                rows.AddRow(Markup.Escape(f.HeldOut[i].Row.Id), ReferenceCheck.Number(f.HeldOut[i].Row.Published), ReferenceCheck.Number(f.InSample[i].Simulated),
                    ReferenceCheck.Number(f.HeldOut[i].Simulated), Markup.Escape(ReferenceCheck.Error(f.HeldOut[i])));
        console.Write(rows);

        var numbers = new Table().Border(TableBorder.Rounded).Title("fitted numbers (ns) in each fold");
        numbers.AddColumns(["number", "start", "all", .. result.Folds.Select(f => $"w/o {f.Source}")]);
        for (int c = 1; c < numbers.Columns.Count; c++) numbers.Columns[c].RightAligned();
        for (int p = 0; p < result.Parameters.Count; p++)
            numbers.AddRow([Markup.Escape(result.Parameters[p].Name), CrossValidationResult.Value(result.AllSources.Start[p]), CrossValidationResult.Value(result.AllSources.Fitted[p]),
                .. result.Folds.Select(f => f.Fit is null ? "n/a" : CrossValidationResult.Value(f.Fit.Fitted[p]))]);
        console.Write(numbers);
        console.WriteLine(result.Summary);
    }
}
