using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>What every command that runs a scenario reads: the file, its --set overrides and the seed.</summary>
public abstract class ScenarioSettings : CommandSettings
{
    [CommandArgument(0, "<SCENARIO>")]
    [Description("the scenario file (YAML; every field is described in scenarios/README.md), or with --cluster, Kubernetes manifests")]
    public string Scenario { get; set; } = "";

    [CommandOption("--seed <N>")]
    [Description("the seed every random stream derives from (default: the scenario's)")]
    public string? Seed { get; set; }

    [CommandOption("--set <PATH=VALUE>")]
    [Description("override any scenario field by its path, e.g. cluster.nic.mtu=9000; repeatable")]
    public string[] Set { get; set; } = [];

    [CommandOption("--cluster <FILE>")]
    [Description("read SCENARIO as Kubernetes manifests (a file or a folder of them) and take the cluster, CNI and traffic from FILE, a scenario file; the manifests' workloads and Services join FILE's own (and replace the manifests FILE names)")]
    public string? Cluster { get; set; }

    /// <summary>The scenario file: --cluster's FILE when given, else SCENARIO.</summary>
    public string ScenarioFile => Cluster ?? Scenario;

    /// <summary>Manifests given on the command line: SCENARIO when --cluster names the scenario file.</summary>
    public IReadOnlyList<string> Manifests => Cluster is null ? [] : [Scenario];

    [CommandOption("--max-memory <SIZE>")]
    [Description("refuse (exit 2, with the estimate) a run estimated to need more (default: 75 % of this machine's memory); fewer runs go at once when several would not fit together")]
    public string? MaxMemory { get; set; }

    [CommandOption("--exact-costs")]
    [Description(ExactCostsOption.Description)]
    public bool ExactCosts { get; set; }

    /// <summary>The command's name, for messages ("netsim run: ...").</summary>
    protected abstract string Command { get; }

    public ulong? SeedValue => OptionValues.NonNegative(Command, "--seed", Seed);
}
