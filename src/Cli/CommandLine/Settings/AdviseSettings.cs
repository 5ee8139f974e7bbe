using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim advise's command line.</summary>
public sealed class AdviseSettings : CommandSettings
{
    public const string Name = "advise";

    public static readonly CommandSpec Spec = new(Name, """
        choose a CNI datapath for a cluster's requirements from the feature matrix and simulated runs

        Reads REQUIREMENTS (YAML, docs/cni-features.md "Requirements files": nodes, pods, policy_required, encryption_required,
        audit_logging, priority throughput|latency|cpu, platform cloud|on-prem, fabric l2|routed, bgp_available,
        ops_maturity novice|intermediate|expert, budget minimal|moderate|generous, nic_rate, mtu, seed). Every datapath
        is checked against the hard constraints with the feature matrix (docs/cni-features.md; each cell cites the CNI's
        docs); those that pass are run on a scenario derived from the requirements (the nodes and pods at full size,
        the traffic scaled down to 30 ms: a pod-to-pod stream, TCP_RR and TCP_CRR through a Service) or on --scenario,
        --replications times with seeds seed, seed+1, ... Prints a ranked table (mean ± 95 % interval) and the reason
        for each place: the matrix cells it rests on and the measured numbers. Eligible datapaths rank first, by soft
        mismatches (complexity beyond the ops team, any complexity on a minimal budget), then by the priority metric.

        With --out, DIR appears only when every run completes:
          advice.md: the answer as markdown; advice.csv: rank, datapath, verdict, every metric's mean and 95 % half-width, failures, reason
          runs.csv: every run's metrics; scenario.yaml: the scenario as derived or given
          summary.csv latency.csv ... run.csv and charts/: as for 'netsim compare', from each datapath's first replication
          compare.csv and the overhead charts: each measured datapath against the recommended one (first replication)

        Exit codes: 0 ok; 1 a run failed an invariant or stopped with an error; 2 bad input.
        """,
        [
            "netsim advise scenarios/exercises/startup.yaml",
            "netsim advise scenarios/exercises/startup.yaml --set policy_required=true --replications 1",
            "netsim advise scenarios/exercises/hpc.yaml --replications 1 --out results/hpc-advice --markdown",
            "netsim advise --features",
        ]);

    [CommandArgument(0, "[REQUIREMENTS]")]
    [Description("the requirements file (YAML)")]
    public string? Requirements { get; set; }

    [CommandOption("--set <PATH=VALUE>")]
    [Description("override a requirement, e.g. policy_required=true; repeatable")]
    public string[] Set { get; set; } = [];

    [CommandOption("--scenario <FILE>")]
    [Description("run the candidates on this scenario instead of one derived from the requirements")]
    public string? Scenario { get; set; }

    [CommandOption("--replications <N>")]
    [Description("runs per datapath, seeds seed..seed+N-1 (default 2; 1 gives no interval)")]
    public string? Replications { get; set; }

    [CommandOption("--include-failing")]
    [Description("also run the datapaths that fail a hard constraint (ranked after the others, marked)")]
    public bool IncludeFailing { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("write the answer, the runs' CSV files and charts to DIR")]
    public string? Out { get; set; }

    [CommandOption("--markdown")]
    [Description("print the answer as markdown instead of the terminal table")]
    public bool Markdown { get; set; }

    [CommandOption("--features")]
    [Description("print the feature matrix (markdown, as docs/cni-features.md) and exit")]
    public bool Features { get; set; }

    [CommandOption("--jobs <N>")]
    [Description("runs in parallel (default: the number of cores)")]
    public string? Jobs { get; set; }

    [CommandOption("--no-charts")]
    [Description("skip the charts")]
    public bool NoCharts { get; set; }

    [CommandOption("--max-memory <SIZE>")]
    [Description("refuse (exit 2, with the estimate) a run estimated to need more (default: 75 % of this machine's memory)")]
    public string? MaxMemory { get; set; }

    [CommandOption("--exact-costs")]
    [Description(ExactCostsOption.Description)]
    public bool ExactCosts { get; set; }

    public int ReplicationsValue => OptionValues.Bounded(Name, "--replications", Replications, 1, NetSim.Experiments.Advice.Advisor.MaxReplications) ?? 2;

    public int JobsValue => OptionValues.Bounded(Name, "--jobs", Jobs, 1, 1024) ?? Environment.ProcessorCount;
}
