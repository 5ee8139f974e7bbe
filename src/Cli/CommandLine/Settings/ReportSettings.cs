using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim report's command line.</summary>
public sealed class ReportSettings : CommandSettings
{
    public const string Name = "report";

    public static readonly CommandSpec Spec = new(Name, """
        write one self-contained HTML page from the results of a run, a compare or a sweep

        Reads DIR (what 'netsim run', 'netsim compare' or 'netsim sweep' wrote with --out) and writes
        DIR/report.html: the run's context (scenario, seed, version, fingerprint), the summary tables, every chart
        as inline SVG, a picture of the cluster (nodes, pods, bridges, veths, tunnels, the fabric), and for a run
        or a compare the walk of one request/response hop by hop (for a compare, flannel-vxlan and cilium-ebpf side
        by side when both ran); for a sweep the lines with their 95% confidence bands. The page needs no network
        to open. 'netsim run/compare/sweep ... --report' writes the same page.

        Exit codes: 0 ok; 2 DIR is not a netsim output.
        """,
        [
            "netsim report results/overlays",
        ]);

    [CommandArgument(0, "<DIR>")]
    [Description("a directory written by netsim run, compare or sweep with --out")]
    public string Directory { get; set; } = "";
}
