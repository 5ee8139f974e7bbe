using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim compare's command line.</summary>
public sealed class CompareSettings : ScenarioSettings
{
    public const string Name = "compare";

    public static readonly CommandSpec Spec = new(Name, """
        run one scenario over several datapaths and report each one's overhead against a baseline

        Runs SCENARIO once per datapath with the same traffic and seed, and prints per traffic group a table with a
        row per datapath and a column per metric (throughput, latency percentiles, transactions/s, connection
        setup, retransmissions, drops, CPU per Gbit/s, busy cores), each value followed by its change against the
        baseline, then one headline per datapath, e.g.
          flannel-vxlan vs host: +85% RTT, -48% throughput, +66% CPU per Gbit/s
        The datapaths are --datapaths, else the scenario's 'compare' list; the baseline is --baseline, else the
        scenario's 'baseline' (default host), and is run too if the list lacks it. Each datapath gets its own
        defaults (pod CIDR, MTU, kube-proxy replacement), as if the scenario said cni.datapath: NAME.
        The tables fit the terminal (100 columns in logs and pipes): metrics that do not fit go to a further
        table; --wide puts every metric of a group in one table.

        With --out, DIR appears only when every run completes:
          compare.csv: group, metric, unit, datapath, baseline, value, baseline_value, relative_change
          summary.csv latency.csv cdf.csv flows.csv hops.csv cpu.csv nodes.csv drops.csv budget.csv run.csv: as for 'netsim run', one set of rows per datapath
          scenario.DATAPATH.yaml: each datapath's scenario as run ('netsim run' on it repeats that run)
          charts/: overhead bars per metric, latency CDF per group across datapaths, the latency budget stacked by element kind, CPU by element per datapath
          report.html: with --report, the tables, charts, the cluster and the walk of one exchange per datapath side by side

        Exit codes: 0 ok; 1 a run failed an invariant (packet conservation) or stopped with an error; 2 bad input.
        """,
        [
            "netsim compare scenarios/overlay-overhead.yaml",
            "netsim compare scenarios/overlay-overhead.yaml --datapaths host,flannel-vxlan,flannel-host-gw,calico-bgp,calico-ipip,cilium-ebpf --out results/overlays --report",
            "netsim compare scenarios/overlay-overhead.yaml --datapaths flannel-vxlan,cilium-vxlan,cilium-geneve --baseline flannel-vxlan --wide",
            "netsim compare scenarios/overlay-overhead.yaml --set cluster.nic.mtu=9000 --seed 3",
        ]);

    protected override string Command => Name;

    [CommandOption("--datapaths <A,B,...>")]
    [Description("datapaths to compare (default: the scenario's compare list)")]
    public string? Datapaths { get; set; }

    [CommandOption("--baseline <NAME>")]
    [Description("the datapath overheads are measured against (default: the scenario's, else host)")]
    public string? Baseline { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("write the results to DIR (an earlier netsim output there is replaced)")]
    public string? Out { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("datapaths run in parallel (default: the number of cores)")]
    public string? Jobs { get; set; }

    [CommandOption("--no-charts")]
    [Description("skip the charts")]
    public bool NoCharts { get; set; }

    [CommandOption("--report")]
    [Description("also write DIR/report.html (needs --out)")]
    public bool Report { get; set; }

    [CommandOption("--wide")]
    [Description("one table per group with every metric, however wide")]
    public bool Wide { get; set; }

    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;

    [CommandOption("--threads <N>")]
    [Description(ThreadsOption.Description)]
    public string? Threads { get; set; }
}
