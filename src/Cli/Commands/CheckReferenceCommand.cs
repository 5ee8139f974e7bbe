using NetSim.Experiments;
using NetSim.Experiments.Calibration;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Reports;
using NetSim.Topologies.Simulation;
using NetSim.Cli.CommandLine.Settings;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim check-reference: runs every reference scenario under a profile and prints each published figure against
/// the simulated one, with the tolerance it must meet, and the orderings the sources report. Exit 1 when any fails.
/// </summary>
public sealed class CheckReferenceCommand : Command<CheckReferenceSettings>
{
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public CheckReferenceCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, CheckReferenceSettings a, CancellationToken cancellationToken)
    {
        string csv = a.Measurements ?? CheckReferenceSettings.DefaultMeasurements;
        int jobs = a.JobsValue;
        if (a.CrossValidate) return CrossValidate(a, csv, jobs);
        if (a.Fit is not null || a.Iterations is not null)
            throw CommandInputError.Of(CheckReferenceSettings.Name, $"{(a.Fit is not null ? "--fit" : "--iterations")} is used only with --cross-validate");
        var profile = ProfileLocator.Load(a.Profile ?? "default", null);
        if (a.ExactCosts) profile = profile.WithExactCosts();
        var rows = ReferenceMeasurements.Load(csv);
        var orderings = ReferenceOrdering.Load(OrderingsFile(csv), rows);
        var evaluator = new ReferenceEvaluator(_runner, rows, csv, jobs, CheckReferenceSettings.Name);
        var values = _invocation.Progress.Track($"check-reference ({csv})", evaluator.SetupCount, finished =>
        {
            evaluator.SetupFinished = finished;
            return evaluator.Evaluate(profile);
        });
        var check = ReferenceCheck.Of(profile.Name, rows, values, orderings);
        if (a.Markdown) _invocation.Stdout.Write(check.Markdown());
        else ReferenceCheckView.Write(check, _invocation.Console);
        return check.AllPassed ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>Leave-one-source-out: a fit per source from the unfitted base profile, the table of held-out errors.</summary>
    private int CrossValidate(CheckReferenceSettings a, string csv, int jobs)
    {
        string name = CheckReferenceSettings.Name;
        string fitList = a.Fit ?? throw CommandInputError.Of(name, "--cross-validate needs --fit KEY[,KEY...] (the numbers a calibration fits)");
        int iterations = a.IterationsValue;
        var profile = ProfileLocator.Load(a.Profile ?? "estimates", null);
        if (a.ExactCosts) profile = profile.WithExactCosts();
        var parameters = FitParameter.ParseList(name, fitList, profile);
        var rows = ReferenceMeasurements.Load(csv);
        var sources = CrossValidation.Sources(rows);
        if (sources.Count < 2) throw CommandInputError.Of(name, $"{csv}: --cross-validate needs checked rows from at least two sources (the id's first part), found {sources.Count}");
        if (!rows.Any(r => r.Fit)) throw CommandInputError.Of(name, $"{csv} has no row with fit=yes");
        var evaluator = new ReferenceEvaluator(_runner, rows, csv, jobs, name);
        // One fit to every source, then one per source left out; progress counts finished fits.
        string? fitting = null;
        var result = _invocation.Progress.Track($"cross-validation over {sources.Count} sources ({sources.Count + 1} fits)", sources.Count + 1,
            finished => CrossValidation.Run(evaluator, profile, parameters, iterations, line =>
            {
                if (line.StartsWith("evaluation", StringComparison.Ordinal)) return;
                if (fitting is not null) finished(fitting);
                fitting = line;
            }));
        if (a.Markdown) _invocation.Stdout.Write(result.Markdown());
        else CrossValidationView.Write(result, _invocation.Console);
        return result.AllHold ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>orderings.csv beside the measurements file.</summary>
    public static string OrderingsFile(string measurements) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(measurements)) ?? ".", "orderings.csv");
}
