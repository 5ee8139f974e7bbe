using NetSim.Experiments;
using NetSim.Experiments.Results;
using System.Globalization;
using NetSim.Experiments.Calibration;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Output;
using NetSim.Engine.Costs;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim calibrate: fits chosen numbers of a cost profile to published (or your own) measurements by least squares
/// on relative error, and writes the fitted profile beside a record of what it was fitted to.
/// </summary>
public sealed class CalibrateCommand : ICommand
{
    /// <summary>Levenberg-Marquardt iterations when --iterations is not given.</summary>
    public const int DefaultIterations = 8;

    private readonly IScenarioRunner _runner;

    public CalibrateCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "calibrate";
    public string Summary => "fit profile costs to measured figures (least squares on relative error) and write the fitted profile";
    public string Help => $"""
        usage: netsim calibrate MEASUREMENTS.csv --profile BASE.yaml --fit KEY[,KEY...] --out NEW.yaml [--iterations N] [--jobs N] [--exact-costs]

        Runs the reference scenarios the measurements name, then moves the --fit numbers of BASE until the sum of
        squared relative errors (simulated / measured - 1) over the rows marked fit=yes is smallest (MathNet
        Levenberg-Marquardt over the logarithms of the numbers, so they stay positive; forward differences with a
        fixed 5 % step and a fixed iteration budget, so the same inputs give the same bytes). Prints the objective before
        and after, every row's residual before and after, and each number's change, then writes NEW.yaml: BASE's
        text with the fitted numbers, their sources ("fitted by netsim calibrate to ...") and a header holding
        this command line and what was fitted. Nothing is written when anything fails.
        The measurements format is in scenarios/reference/README.md; fit few keys, each pinned by a figure.

        KEY is a cost (its fixed_ns; its per_byte_ns when it has only that), KEY:fixed_ns, KEY:per_byte_ns, or a
        hardware delay (its ns); it must be set, non-zero, in BASE.

        options:
          --profile BASE     the profile to start from (a name in profiles/ or a path)
          --fit KEYS         comma-separated numbers to fit
          --out NEW.yaml     the fitted profile (replaced if it exists)
          --iterations N     Levenberg-Marquardt iteration budget (default {DefaultIterations})
          --jobs N           setups run in parallel (default: the number of cores, {Environment.ProcessorCount} here)
          --exact-costs      fit with the profile's variability ignored (every cost its mean; the written profile
                             keeps its variability section)

        exit codes: 0 ok; 1 a run failed; 2 bad input (unknown key, unknown scenario, malformed measurements)

        examples:
          netsim calibrate scenarios/reference/published.csv --profile profiles/estimates.yaml --fit tcp.receive,netfilter.hook --out my.yaml
          netsim calibrate my-cluster.csv --profile default --fit socket.copy,nic.rx_latency --out profiles/my-cluster.yaml
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--profile", "--fit", "--out", "--iterations", "--jobs"], ["--exact-costs"]);
        string csv = a.SinglePositional(Name, "measurements file");
        string baseName = a.Value("--profile") ?? throw ParsedArgs.Bad(Name, "--profile BASE.yaml is required");
        string fitList = a.Value("--fit") ?? throw ParsedArgs.Bad(Name, "--fit KEY[,KEY...] is required");
        string outPath = a.Value("--out") ?? throw ParsedArgs.Bad(Name, "--out NEW.yaml is required");
        int iterations = a.IntValue(Name, "--iterations", 1, 100_000) ?? DefaultIterations;
        int jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount;
        CheckOut(outPath);
        string basePath = ProfileLocator.Resolve(baseName, null);
        var profile = CostProfileLoader.Load(basePath);
        if (a.Flag("--exact-costs")) profile = profile.WithExactCosts();
        string baseText = File.ReadAllText(basePath);
        var parameters = FitParameter.ParseList(Name, fitList, profile);
        var rows = ReferenceMeasurements.Load(csv);
        if (!rows.Any(r => r.Fit)) throw ParsedArgs.Bad(Name, $"{csv} has no row with fit=yes");
        var evaluator = new ReferenceEvaluator(_runner, rows, csv, jobs, Name);

        var console = Terminal.For(stdout);
        console.WriteLine($"fitting {string.Join(", ", parameters.Select(p => p.Name))} to {rows.Count(r => r.Fit)} rows of {csv} ({evaluator.SetupCount} setups)");
        var fit = ProfileFit.Fit(evaluator, profile, parameters, iterations);
        Show(console, rows, fit);

        string name = Path.GetFileNameWithoutExtension(outPath);
        string csvName = Path.GetFileName(csv);
        var header = Header(args, csvName, basePath, rows, fit);
        string text = ProfileYamlWriter.Write(baseText, basePath, name, header, fit, $"{csvName} (see the header)");
        CostProfileLoader.Parse(text, outPath); // the written profile must load; a bug here must not leave a bad file
        AtomicFile.WriteAllText(outPath, text);
        console.WriteLine($"wrote {outPath}");
        return ExitCodes.Ok;
    }

    private void CheckOut(string outPath)
    {
        if (outPath.Trim().Length == 0) throw ParsedArgs.Bad(Name, "--out needs a file name");
        if (Directory.Exists(outPath)) throw ParsedArgs.Bad(Name, $"--out {outPath} is a directory, not a file");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null && !Directory.Exists(dir)) throw ParsedArgs.Bad(Name, $"--out {outPath}: the directory {dir} does not exist");
    }

    private List<string> Header(IReadOnlyList<string> args, string csvName, string basePath, IReadOnlyList<ReferenceRow> rows, FitResult fit)
    {
        var lines = new List<string>
        {
            "Regenerate (from the repository root) with:",
            "  " + CommandText.Of(Name, args),
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
