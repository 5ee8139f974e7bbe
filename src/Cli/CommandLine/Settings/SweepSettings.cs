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
          manifest.csv: every planned run: point, replication, seed, parameters, scenario SHA-256, costs (drawn, or exact with --exact-costs)
          points/: each point's resolved scenario ('netsim run points/point-0003.yaml --seed S' repeats a run)
          runs/: one CSV per finished run (written whole: an existing file is a complete run)
          sweep.csv: per point, group and metric: a column per parameter, replications, mean, 95% confidence half-width (Student t)
          charts/: each charted metric against the first numeric parameter, a line per other combination; with no numeric parameter, bars per point
          report.html: with --report, the table, the charts with their confidence bands and the cluster
        scenarios/sweeps/kube-proxy-scale.yaml (100 to 10,000 Services × the three modes, 30 runs) and
        first-packet-latency.yaml (to 30,000 Services, 120 runs) take minutes.
        An interrupted sweep (Ctrl+C, a crash, a killed job) keeps every finished run: run the same command with
        --resume and only the missing runs run; the final sweep.csv is the same as an uninterrupted sweep's.

        On a cluster: --shard I/N runs the I-th of N disjoint slices of the points (point p is in shard p mod N, I
        counts from 0; a point's replications stay together) and writes what the whole sweep writes for those points,
        plus shard.csv. 'netsim sweep merge DIR... --out DIR' puts the shards back together: the same files, byte for
        byte, as one machine's sweep; it refuses (exit 2) shards of another sweep, a shard given twice or missing, and a
        shard with unfinished runs. --emit kubernetes writes a Kubernetes Indexed Job (the pod's JOB_COMPLETION_INDEX is
        its --shard; image: the repository's Dockerfile; results on a PersistentVolumeClaim) and --emit slurm a Slurm
        array script (SLURM_ARRAY_TASK_ID is the --shard), each with --shards N tasks, to --out FILE.

        Exit codes: 0 ok; 1 a run failed an invariant or stopped with an error (finished runs are kept); 2 bad input.
        """,
        [
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --out results/kube-proxy-modes --jobs 2 --report",
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --out results/kube-proxy-modes --resume",
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --shard 1/3 --out results/kpm-shards/shard-1",
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --emit kubernetes --shards 3 --image registry.example/netsim:0.1 --out kpm.job.yaml",
            "netsim sweep scenarios/sweeps/kube-proxy-modes.yaml --emit slurm --shards 3 --out kpm.slurm.sh",
        ]);

    [CommandArgument(0, "<SWEEP>")]
    [Description("the sweep file (YAML)")]
    public string File { get; set; } = "";

    [CommandArgument(1, "[SHARD-DIRS]")]
    [Description("with 'merge' in place of SWEEP: the shard directories to merge")]
    public string[] ShardDirectories { get; set; } = [];

    [CommandOption("--out <DIR>")]
    [Description("where the sweep lives (default: ./NAME-sweep); with --emit, the file to write (default: ./NAME.job.yaml or ./NAME.slurm.sh)")]
    public string? Out { get; set; }

    [CommandOption("--shard <I/N>")]
    [Description("run only the I-th of N slices of the points (I from 0; point p is in shard p mod N); merge the shards with 'netsim sweep merge'")]
    public string? Shard { get; set; }

    [CommandOption("--emit <SCHEDULER>")]
    [Description("write a batch job that runs the sweep as --shards shards instead of running it: kubernetes (an Indexed Job) or slurm (an array script)")]
    public string? Emit { get; set; }

    [CommandOption("--shards <N>")]
    [Description("with --emit: how many shards (tasks); at most the number of points")]
    public string? Shards { get; set; }

    [CommandOption("--parallelism <N>")]
    [Description("with --emit: at most this many shards at once (default: all)")]
    public string? Parallelism { get; set; }

    [CommandOption("--image <IMAGE>")]
    [Description("with --emit kubernetes: the netsim image, built from the repository's Dockerfile (default: netsim:VERSION)")]
    public string? Image { get; set; }

    [CommandOption("--volume-claim <NAME>")]
    [Description("with --emit kubernetes: the ReadWriteMany PersistentVolumeClaim the results go to (default: netsim-results)")]
    public string? VolumeClaim { get; set; }

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

    [CommandOption("--exact-costs")]
    [Description(ExactCostsOption.Description)]
    public bool ExactCosts { get; set; }

    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;

    [CommandOption("--threads <N>")]
    [Description(ThreadsOption.Description)]
    public string? Threads { get; set; }
}
