using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim validate's command line.</summary>
public sealed class ValidateSettings : CommandSettings
{
    public const string Name = "validate";

    public static readonly CommandSpec Spec = new(Name, """
        check a scenario file (and its cost profile) without running it

        Loads SCENARIO, fills in every default and checks it: fields and types, address plans, pod placement,
        Services, traffic endpoints, the CNI configuration files it names; then loads its cost profile as a run
        would (with the machine's cluster settings) and estimates the memory a run needs. Prints a one-paragraph
        summary with the estimate, or the first problem as FILE:LINE: FIELD: PROBLEM with exit code 2: whatever
        validate accepts, run accepts.
        """,
        [
            "netsim validate scenarios/overlay-overhead.yaml",
            "netsim validate scenarios/kube-proxy-scale.yaml --set services[0].count=30000",
            "netsim validate scenarios/manifests/shop --cluster scenarios/manifests/cluster.yaml",
        ]);

    [CommandArgument(0, "<SCENARIO>")]
    [Description("the scenario file (YAML), or with --cluster, Kubernetes manifests")]
    public string Scenario { get; set; } = "";

    [CommandOption("--set <PATH=VALUE>")]
    [Description("override any scenario field by its path; repeatable")]
    public string[] Set { get; set; } = [];

    [CommandOption("--cluster <FILE>")]
    [Description("read SCENARIO as Kubernetes manifests (a file or a folder of them) and take the cluster, CNI and traffic from FILE, a scenario file; the manifests' workloads and Services join FILE's own (and replace the manifests FILE names)")]
    public string? Cluster { get; set; }

    /// <summary>The scenario file: --cluster's FILE when given, else SCENARIO.</summary>
    public string ScenarioFile => Cluster ?? Scenario;

    /// <summary>Manifests given on the command line: SCENARIO when --cluster names the scenario file.</summary>
    public IReadOnlyList<string> Manifests => Cluster is null ? [] : [Scenario];

    [CommandOption("--max-memory <SIZE>")]
    [Description("refuse a scenario whose run is estimated to need more (default: 75 % of this machine's memory)")]
    public string? MaxMemory { get; set; }
}
