using NetSim.Experiments;
using NetSim.Experiments.Calibration;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Reports;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim check-reference: runs every reference scenario under a profile and prints each published figure against
/// the simulated one, with the tolerance it must meet, and the orderings the sources report. Exit 1 when any fails.
/// </summary>
public sealed class CheckReferenceCommand : ICommand
{
    /// <summary>The bundled measurements, relative to the working directory (the repository root).</summary>
    public const string DefaultMeasurements = "scenarios/reference/published.csv";

    private readonly IScenarioRunner _runner;

    public CheckReferenceCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "check-reference";
    public string Summary => "run the reference scenarios and compare every published measurement with the simulation";
    public string Help => $"""
        usage: netsim check-reference [MEASUREMENTS.csv] [--profile P] [--markdown] [--jobs N] [--exact-costs]

        Runs every reference setup named in MEASUREMENTS.csv (default {DefaultMeasurements}) and prints, per
        published figure: the setup, the metric, the published and simulated values, the error and the tolerance
        it must meet (pass/FAIL; rows without a tolerance are for information); then the orderings the sources
        report (orderings.csv beside the measurements), e.g. "eBPF host routing beats legacy host routing".
        The format of both files is in scenarios/reference/README.md.

        options:
          --profile P   the cost profile (a name in profiles/ or a path; default: default). Each reference scenario's
                        cluster.cpu_scale (its machine's speed) multiplies the profile's cpu_scale
          --markdown    print the table as Markdown (the README's reference table is this output)
          --jobs N      setups run in parallel (default: the number of cores, {Environment.ProcessorCount} here)
          --exact-costs ignore the profile's variability (every cost its mean; tail rows then show no spread)

        exit codes: 0 every checked figure and ordering holds; 1 one fails (or a run failed); 2 bad input

        examples:
          netsim check-reference
          netsim check-reference --profile profiles/my-cluster.yaml
          netsim check-reference --markdown > reference.md
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--profile", "--jobs"], ["--markdown", "--exact-costs"]);
        if (a.Positionals.Count > 1) throw ParsedArgs.Bad(Name, $"unexpected argument '{a.Positionals[1]}'");
        string csv = a.Positionals.Count == 1 ? a.Positionals[0] : DefaultMeasurements;
        int jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount;
        var profile = ProfileLocator.Load(a.Value("--profile") ?? "default", null);
        if (a.Flag("--exact-costs")) profile = profile.WithExactCosts();
        var rows = ReferenceMeasurements.Load(csv);
        var orderings = ReferenceOrdering.Load(OrderingsFile(csv), rows);
        var evaluator = new ReferenceEvaluator(_runner, rows, csv, jobs, Name);
        var check = ReferenceCheck.Of(profile.Name, rows, evaluator.Evaluate(profile), orderings);
        if (a.Flag("--markdown")) stdout.Write(check.Markdown());
        else ReferenceCheckView.Write(check, Terminal.For(stdout));
        return check.AllPassed ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>orderings.csv beside the measurements file.</summary>
    public static string OrderingsFile(string measurements) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(measurements)) ?? ".", "orderings.csv");
}
