using System.ComponentModel;
using NetSim.Testbed;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim testbed's command line.</summary>
public sealed class TestbedSettings : CommandSettings
{
    public const string Name = "testbed";

    public static readonly CommandSpec Spec = new(Name, $"""
        measure this machine's kernel in network namespaces, fit a local profile, report how well it predicts

        Linux, as root. Builds two "nodes" and their pods as network namespaces of this machine (named {TestbedNames.Prefix}*,
        addresses from 198.18.0.0/15 only), wires host networking (node to node over a veth pair), a same-node bridge,
        cross-node host-gw routing and cross-node VXLAN, and measures with every process on CPU 0, each in a session
        of its own at the highest autogroup weight: TCP streams (iperf3, 1 and 4 streams, MTU 1500 and 9000), TCP_RR
        (sockperf ping-pong, 32 B) and connection setup against 0 to 10,000 kube-proxy-style iptables rules (legacy
        and nft backends where present), every row once per round (--repetitions rounds), the median counting and
        the spread reported. Writes DIR/measurements.csv in calibrate's format with the NetSim scenarios that model
        the same topology, fits one number per mechanism, each to one row (system call, copy per byte, bridge,
        VXLAN, connection setup, each backend's rule, a rule past the L2: DIR/local-profile.yaml), and prints how
        well its simulation predicts every other row (DIR/prediction.md); a row whose repetitions spread wider than
        ±20 % is reported as not judgeable. Everything it creates is removed on exit, on error and on Ctrl+C;
        namespaces an earlier killed run left behind are removed first. A missing kernel feature or tool skips only
        the rows that need it, with a message. More: docs/testbed.md.

        Exit codes: 0 ok (prediction errors are reported, not judged); 1 the testbed cannot run here or a measurement failed; 2 bad input.
        """,
        [
            "netsim testbed --out my-machine",
            "netsim testbed --quick --out /tmp/tb",
        ]);

    [CommandOption("--out <DIR>")]
    [Description("where the files go (default ./testbed)")]
    public string? Out { get; set; }

    [CommandOption("--quick")]
    [Description("a short run (under a minute: fewer rows, one round of 1 s measurements, 2 fit iterations): CI's smoke")]
    public bool Quick { get; set; }

    [CommandOption("--keep-going")]
    [Description("record a failed measurement and go on with the others")]
    public bool KeepGoing { get; set; }

    [CommandOption("--profile <BASE>")]
    [Description("the profile the fit starts from (default: default)")]
    public string? Profile { get; set; }

    [CommandOption("--fit <KEYS>")]
    [Description("the numbers the fit moves (default: one per mechanism, each pinned by one row; docs/testbed.md)")]
    public string? Fit { get; set; }

    [CommandOption("--iterations <N>")]
    [Description("fit iterations (default 8, quick 2)")]
    public string? Iterations { get; set; }

    [CommandOption("--repetitions <N>")]
    [Description("rounds of measurement, each measuring every row once; a row's median counts, its spread is reported (default 5, quick 1)")]
    public string? Repetitions { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("simulations in parallel during the fit (default: the number of cores)")]
    public string? Jobs { get; set; }

    public int? IterationsValue => OptionValues.Bounded(Name, "--iterations", Iterations, 1, 1000);
    public int? RepetitionsValue => OptionValues.Bounded(Name, "--repetitions", Repetitions, 1, 100);
    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;
}
