using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim check-reference's command line.</summary>
public sealed class CheckReferenceSettings : CommandSettings
{
    public const string Name = "check-reference";

    /// <summary>The bundled measurements, relative to the working directory (the repository root).</summary>
    public const string DefaultMeasurements = "scenarios/reference/published.csv";

    public static readonly CommandSpec Spec = new(Name, $"""
        run the reference scenarios and compare every published measurement with the simulation

        Runs every reference setup named in MEASUREMENTS.csv (default {DefaultMeasurements}) and prints, per
        published figure: the setup, the metric, the published and simulated values, the error and the tolerance
        it must meet (pass/FAIL; rows without a tolerance are for information); then the orderings the sources
        report (orderings.csv beside the measurements), e.g. "eBPF host routing beats legacy host routing".
        The format of both files is in scenarios/reference/README.md; the sources of every figure are in
        docs/sources.md. Progress (setups done of the total, time elapsed and left) goes to stderr, or a live bar
        on a terminal.

        'netsim check-reference' alone checks every published figure (a minute or two on two cores); 'netsim
        check-reference --markdown' prints the README's reference table.

        Each reference scenario's cluster.cpu_scale (its machine's speed) multiplies the profile's cpu_scale.

        Exit codes: 0 every checked figure and ordering holds; 1 one fails (or a run failed); 2 bad input.
        """,
        [
            "netsim check-reference scenarios/reference/examples/my-cluster.csv",
            "netsim check-reference scenarios/reference/examples/my-cluster.csv --profile default --markdown",
        ]);

    [CommandArgument(0, "[MEASUREMENTS]")]
    [Description("the measurements (CSV; default scenarios/reference/published.csv)")]
    public string? Measurements { get; set; }

    [CommandOption("--profile <P>")]
    [Description("the cost profile (a name in profiles/ or a path; default: default)")]
    public string? Profile { get; set; }

    [CommandOption("--markdown")]
    [Description("print the table as Markdown (the README's reference table is this output)")]
    public bool Markdown { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("setups run in parallel (default: the number of cores)")]
    public string? Jobs { get; set; }

    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;
}
