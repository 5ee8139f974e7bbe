using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim sweep's command line.</summary>
public sealed class SweepSettings : CommandSettings
{
    public const string Name = "sweep";

    public static readonly CommandSpec Spec = new(Name, """
        run a scenario over a grid of parameters with replications: mean and 95% CI per point

        SWEEP.yaml names a scenario and the fields to vary (format: scenarios/README.md, "Sweeps"), e.g.
          scenario: ../first-packet-latency.yaml
          replications: 5
          parameters:
            services[0].count: {log: [10, 30000, 8]}
            kube_proxy.mode: [iptables, ipvs, nftables]
        Every point (every combination of values) runs REPLICATIONS times with independent seeds derived from the
        base seed and the replication number, runs in parallel, and each finished run is saved at once. Progress
        (runs done of the total, time elapsed and left) is a live bar on a terminal, else a line per run on stderr.

        DIR (default: ./NAME-sweep) holds:
          manifest.csv: every planned run: point, replication, seed, parameters, scenario SHA-256
          points/: each point's resolved scenario ('netsim run points/point-0003.yaml --seed S' repeats a run)
          runs/: one CSV per finished run (written whole: an existing file is a complete run)
          sweep.csv: per point, group and metric: a column per parameter, replications, mean, 95% confidence half-width (Student t)
          charts/: each charted metric against the first numeric parameter, a line per other combination; with no numeric parameter, bars per point
          report.html: with --report, the table, the charts with their confidence bands and the cluster
        scenarios/sweeps/kube-proxy-scale.yaml (100 to 10,000 Services × the three modes, 30 runs) and
        first-packet-latency.yaml (to 30,000 Services, 120 runs) take minutes.
        An interrupted sweep (Ctrl+C, a crash, a killed job) keeps every finished run: run the same command with
        --resume and only the missing runs run; the final sweep.csv is the same as an uninterrupted sweep's.

        Exit codes: 0 ok; 1 a run failed an invariant or stopped with an error (finished runs are kept); 2 bad input.
        """,
        [
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --out results/kube-proxy-modes --jobs 2 --report",
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --out results/kube-proxy-modes --resume",
        ]);

    [CommandArgument(0, "<SWEEP>")]
    [Description("the sweep file (YAML)")]
    public string File { get; set; } = "";

    [CommandOption("--out <DIR>")]
    [Description("where the sweep lives (default: ./NAME-sweep)")]
    public string? Out { get; set; }

    [CommandOption("--resume")]
    [Description("continue the sweep in DIR (it must be the same sweep file, scenario and parameters)")]
    public bool Resume { get; set; }

    [CommandOption("--max-memory <SIZE>")]
    [Description("refuse (exit 2, with the estimate) a run estimated to need more (default: 75 % of this machine's memory); fewer runs go at once when several would not fit together")]
    public string? MaxMemory { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("runs in parallel (default: the number of cores)")]
    public string? Jobs { get; set; }

    [CommandOption("--no-charts")]
    [Description("skip the charts")]
    public bool NoCharts { get; set; }

    [CommandOption("--report")]
    [Description("also write DIR/report.html")]
    public bool Report { get; set; }

    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;
}
