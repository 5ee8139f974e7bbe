using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim calibrate's command line.</summary>
public sealed class CalibrateSettings : CommandSettings
{
    public const string Name = "calibrate";

    /// <summary>Levenberg-Marquardt iterations when --iterations is not given.</summary>
    public const int DefaultIterations = 8;

    public static readonly CommandSpec Spec = new(Name, $"""
        fit profile costs to measured figures (least squares on relative error) and write the fitted profile

        Runs the reference scenarios the measurements name, then moves the --fit numbers of BASE until the sum of
        squared relative errors (simulated / measured - 1) over the rows marked fit=yes is smallest (MathNet
        Levenberg-Marquardt over the logarithms of the numbers, so they stay positive; forward differences with a
        fixed 5 % step and a fixed iteration budget, so the same inputs give the same bytes). Prints the objective
        before and after, every row's residual before and after, and each number's change, then writes NEW.yaml:
        BASE's text with the fitted numbers, their sources ("fitted by netsim calibrate to ...") and a header
        holding this command line and what was fitted. Nothing is written when anything fails. Progress (each
        evaluation of the measurements, time elapsed and left) goes to stderr, or a live bar on a terminal.

        The measurements format is in scenarios/reference/README.md; fit few keys, each pinned by a figure.
        profiles/default.yaml is this command's fit of profiles/estimates.yaml to scenarios/reference/published.csv
        (its header has the command line; it takes minutes).
        scenarios/reference/examples/my-cluster.csv is an example of your own measurements (two figures of one testbed).
        KEY is a cost (its fixed_ns; its per_byte_ns when it has only that), KEY:fixed_ns, KEY:per_byte_ns, or a
        hardware delay (its ns); it must be set, non-zero, in BASE. KEY+KEY2+...[:field] ties costs: one number is
        fitted and the others move with it, keeping their ratio to the first in BASE (an estimate written as
        "0.7 of vxlan.decap" stays 0.7 of it after the fit).

        Exit codes: 0 ok; 1 a run failed; 2 bad input (unknown key, unknown scenario, malformed measurements).
        """,
        [
            "netsim calibrate scenarios/reference/examples/my-cluster.csv --profile default --fit tcp.receive --iterations 2 --out my-cluster.yaml",
            "netsim calibrate scenarios/reference/examples/my-cluster.csv --profile profiles/estimates.yaml --fit tcp.receive,socket.copy --out my.yaml",
            "netsim calibrate scenarios/reference/examples/my-cluster.csv --profile profiles/estimates.yaml --fit tcp.receive,vxlan.decap+geneve.decap+ipip.decap --iterations 2 --out my.yaml",
        ]);

    [CommandArgument(0, "<MEASUREMENTS>")]
    [Description("the measurements (CSV; format in scenarios/reference/README.md)")]
    public string Measurements { get; set; } = "";

    [CommandOption("--profile <BASE>")]
    [Description("the profile to start from (a name in profiles/ or a path); required")]
    public string? Profile { get; set; }

    [CommandOption("--fit <KEYS>")]
    [Description("comma-separated numbers to fit (KEY, KEY:fixed_ns, KEY:per_byte_ns; KEY+KEY moves several costs by one factor); required")]
    public string? Fit { get; set; }

    [CommandOption("--out <NEW.yaml>")]
    [Description("the fitted profile (replaced if it exists); required")]
    public string? Out { get; set; }

    [CommandOption("--iterations <N>")]
    [Description($"Levenberg-Marquardt iteration budget (default 8)")]
    public string? Iterations { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("setups run in parallel (default: the number of cores)")]
    public string? Jobs { get; set; }

    [CommandOption("--exact-costs")]
    [Description(ExactCostsOption.Description)]
    public bool ExactCosts { get; set; }

    [CommandOption("--mean-costs")]
    [Description("fit with nothing drawn but every mechanism the profile's variability turns on kept (each CPU charge and wakeup at its mean, idle states and adaptive interrupt moderation as they are): a deterministic objective, so Levenberg-Marquardt's finite differences see the parameters, not the draws; unlike --exact-costs it fits the model check-reference runs")]
    public bool MeanCosts { get; set; }

    public int IterationsValue => OptionValues.Bounded(Name, "--iterations", Iterations, 1, 100_000) ?? DefaultIterations;
    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;
}
