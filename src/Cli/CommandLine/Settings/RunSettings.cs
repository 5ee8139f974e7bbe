using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim run's command line.</summary>
public sealed class RunSettings : ScenarioSettings
{
    public const string Name = "run";

    public static readonly CommandSpec Spec = new(Name, """
        run a scenario: throughput, latency, CPU and drops per traffic group

        Runs SCENARIO once and prints, per traffic group, the throughput, latency p50/p90/p99/p99.9,
        transactions/s, retransmissions and drops; drops by reason; CPU per node and its busiest elements; one
        line on the simulator itself (simulated time, build and run wall time, events, events/s, peak memory); and
        one on the whole command's wall time by phase (parse and check, build, run, collect, report). With more than
        20 groups the tables show the 10 with the most throughput and the 10 with the longest p99, and the totals
        of all; every group is in summary.csv and flows.csv.

        With --out, DIR appears only when the run completes (nothing is written on bad input):
          summary.csv latency.csv cdf.csv flows.csv hops.csv cpu.csv nodes.csv drops.csv budget.csv: tidy tables, one row per item, the unit in each header (p99_us, goodput_gbps)
          run.csv: SHA-256 of scenario.yaml, seed, version, event fingerprint, packet conservation, simulator speed
          scenario.yaml: the scenario as run with every default written out; 'netsim run DIR/scenario.yaml' repeats it
          charts/: latency CDF, CPU by element, latency budget (PNG and SVG)
          report.html: with --report, one page with the tables, the charts, the cluster and the walk of one exchange
          pcap/: captures of the interfaces matching --pcap
          command.txt: the command line
        Two runs with the same scenario and seed write identical files, except run.csv's wall_seconds,
        events_per_second and peak_memory_mib, which measure the machine.

        Exit codes: 0 ok; 1 the run failed an invariant (packet conservation) or stopped with an error; 2 bad input.
        """,
        [
            "netsim run scenarios/overlay-overhead.yaml",
            "netsim run scenarios/overlay-overhead.yaml --datapath cilium-ebpf --seed 7 --out results/cilium --report",
            "netsim run scenarios/kube-proxy-scale.yaml --set services[0].count=10000 --set kube_proxy.mode=ipvs",
            "netsim run scenarios/overlay-overhead.yaml --out results/capture --pcap 'node1/*/eth0' --pcap-limit 20MiB",
            "netsim run scenarios/trace-replay.yaml",
            "netsim run scenarios/manifests/shop --cluster scenarios/manifests/cluster.yaml",
        ]);

    protected override string Command => Name;

    [CommandOption("--datapath <NAME>")]
    [Description("run over this datapath instead of the scenario's cni.datapath (its defaults follow it)")]
    public string? Datapath { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("write the results to DIR (an earlier netsim output there is replaced)")]
    public string? Out { get; set; }

    [CommandOption("--pcap <PATTERN>")]
    [Description("capture interfaces whose node/namespace/device matches the glob (needs --out)")]
    public string? Pcap { get; set; }

    [CommandOption("--pcap-limit <SIZE>")]
    [Description("stop writing a capture file when it reaches SIZE (default 100MiB; 0 for no limit)")]
    public string? PcapLimit { get; set; }

    [CommandOption("--threads <N>")]
    [Description(ThreadsOption.Description)]
    public string? Threads { get; set; }

    [CommandOption("--no-charts")]
    [Description("skip the charts")]
    public bool NoCharts { get; set; }

    [CommandOption("--report")]
    [Description("also write DIR/report.html (needs --out)")]
    public bool Report { get; set; }
}
