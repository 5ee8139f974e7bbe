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
        var profile = ProfileLocator.Load(a.Profile ?? "default", null);
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

    /// <summary>orderings.csv beside the measurements file.</summary>
    public static string OrderingsFile(string measurements) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(measurements)) ?? ".", "orderings.csv");
}
