using NetSim.Experiments;
using NetSim.Experiments.Results;
using System.Globalization;
using NetSim.Experiments.Calibration;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Output;
using NetSim.Engine.Costs;
using NetSim.Topologies.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;
using NetSim.Cli.CommandLine.Settings;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim calibrate: fits chosen numbers of a cost profile to published (or your own) measurements by least squares
/// on relative error, and writes the fitted profile beside a record of what it was fitted to.
/// </summary>
public sealed class CalibrateCommand : Command<CalibrateSettings>
{
    private const string Name = CalibrateSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public CalibrateCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, CalibrateSettings a, CancellationToken cancellationToken)
    {
        string csv = a.Measurements;
        string baseName = a.Profile ?? throw CommandInputError.Of(Name, "--profile BASE.yaml is required");
        string fitList = a.Fit ?? throw CommandInputError.Of(Name, "--fit KEY[,KEY...] is required");
        string outPath = a.Out ?? throw CommandInputError.Of(Name, "--out NEW.yaml is required");
        int iterations = a.IterationsValue;
        int jobs = a.JobsValue;
        CheckOut(outPath);
        string basePath = ProfileLocator.Resolve(baseName, null);
        var profile = CostProfileLoader.Load(basePath);
        if (a.ExactCosts && a.MeanCosts) throw CommandInputError.Of(Name, "--exact-costs and --mean-costs exclude each other");
        if (a.ExactCosts) profile = profile.WithExactCosts(); // fitted without variability; the written profile keeps its variability section
        if (a.MeanCosts) profile = profile.WithMeanCosts(); // fitted at the means of what check-reference draws
        string baseText = File.ReadAllText(basePath);
        var parameters = FitParameter.ParseList(Name, fitList, profile);
        var rows = ReferenceMeasurements.Load(csv);
        if (!rows.Any(r => r.Fit)) throw CommandInputError.Of(Name, $"{csv} has no row with fit=yes");
        var evaluator = new ReferenceEvaluator(_runner, rows, csv, jobs, Name);

        var console = _invocation.Console;
        console.WriteLine($"fitting {string.Join(", ", parameters.Select(p => p.Name))} to {rows.Count(r => r.Fit)} rows of {csv} ({evaluator.SetupCount} setups)");
        // Levenberg-Marquardt evaluates the rows once per point and once per parameter for each Jacobian: at most
        // about (iterations + 1) × (parameters + 1) evaluations, plus the two of the before/after table.
        int budget = (iterations + 1) * (parameters.Count + 1) + 2;
        var fit = _invocation.Progress.Track($"calibrate (at most {budget} evaluations of {evaluator.SetupCount} setups)", budget,
            finished => ProfileFit.Fit(evaluator, profile, parameters, iterations, finished));
        Show(console, rows, fit);

        string name = Path.GetFileNameWithoutExtension(outPath);
        string csvName = Path.GetFileName(csv);
        var header = Header(csvName, basePath, rows, fit);
        string text = ProfileYamlWriter.Write(baseText, basePath, name, header, fit, $"{csvName} (see the header)");
        CostProfileLoader.Parse(text, outPath); // the written profile must load; a bug here must not leave a bad file
        AtomicFile.WriteAllText(outPath, text);
        console.WriteLine($"wrote {outPath}");
        return ExitCodes.Ok;
    }

    private static void CheckOut(string outPath)
    {
        if (outPath.Trim().Length == 0) throw CommandInputError.Of(Name, "--out needs a file name");
        if (Directory.Exists(outPath)) throw CommandInputError.Of(Name, $"--out {outPath} is a directory, not a file");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null && !Directory.Exists(dir)) throw CommandInputError.Of(Name, $"--out {outPath}: the directory {dir} does not exist");
    }

    private List<string> Header(string csvName, string basePath, IReadOnlyList<ReferenceRow> rows, FitResult fit)
    {
        var lines = new List<string>
        {
            "Regenerate (from the repository root) with:",
            "  " + _invocation.CommandLine,
            $"Base: {basePath.Replace('\\', '/')}; every number not fitted keeps its value and source from there.",
            $"Fitted to {csvName}, the {rows.Count(r => r.Fit)} rows marked fit=yes: least squares on relative error,",
            $"objective (sum of squared relative errors) {Fmt(fit.ObjectiveBefore)} before, {Fmt(fit.ObjectiveAfter)} after " +
            $"({fit.Evaluations} evaluations, {(fit.Stopped)}).",
            "Rows: " + string.Join(", ", rows.Where(r => r.Fit).Select(r => r.Id)),
            "Fitted numbers (start -> fitted):",
        };
        for (int i = 0; i < fit.Parameters.Count; i++)
            lines.Add($"  {fit.Parameters[i].Name}: {fit.Parameters[i].Text(fit.Start[i])} -> {fit.Parameters[i].Text(fit.Fitted[i])}");
        return lines;
    }

    private static string Fmt(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void Show(IAnsiConsole console, IReadOnlyList<ReferenceRow> rows, FitResult fit)
    {
        var summary = new Table().Border(TableBorder.Rounded).Title("fit");
        summary.AddColumns("objective before", "objective after", "evaluations", "stopped");
        summary.AddRow(Fmt(fit.ObjectiveBefore), Fmt(fit.ObjectiveAfter), fit.Evaluations.ToString(CultureInfo.InvariantCulture),
            fit.Stopped);
        console.Write(summary);

        var residuals = new Table().Border(TableBorder.Rounded).Title("residuals (simulated / published - 1)");
        residuals.AddColumns("row", "setup", "metric", "published", "before", "after", "error before", "error after", "fitted");
        for (int i = 2; i <= 7; i++) residuals.Columns[i + 1].RightAligned();
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            residuals.AddRow(Markup.Escape(r.Id), Markup.Escape(r.Setup), Markup.Escape(r.Metric.ToString()), ReferenceCheck.Number(r.Published),
                ReferenceCheck.Number(fit.Before[i]), ReferenceCheck.Number(fit.After[i]), Percent(fit.Before[i], r.Published), Percent(fit.After[i], r.Published),
                r.Fit ? "yes" : "no");
        }
        console.Write(residuals);

        var changes = new Table().Border(TableBorder.Rounded).Title("parameters");
        changes.AddColumns("parameter", "start", "fitted", "change");
        foreach (var c in new[] { 1, 2, 3 }) changes.Columns[c].RightAligned();
        for (int i = 0; i < fit.Parameters.Count; i++)
            changes.AddRow(Markup.Escape(fit.Parameters[i].Name), fit.Parameters[i].Text(fit.Start[i]), fit.Parameters[i].Text(fit.Fitted[i]),
                ((fit.Fitted[i] / fit.Start[i] - 1) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %");
        console.Write(changes);
    }

    private static string Percent(double value, double published) =>
        double.IsNaN(value) ? "n/a" : ((value / published - 1) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";
}
