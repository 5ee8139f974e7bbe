using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>What every command that runs a scenario reads: the file, its --set overrides and the seed.</summary>
public abstract class ScenarioSettings : CommandSettings
{
    [CommandArgument(0, "<SCENARIO>")]
    [Description("the scenario file (YAML; every field is described in scenarios/README.md)")]
    public string Scenario { get; set; } = "";

    [CommandOption("--seed <N>")]
    [Description("the seed every random stream derives from (default: the scenario's)")]
    public string? Seed { get; set; }

    [CommandOption("--set <PATH=VALUE>")]
    [Description("override any scenario field by its path, e.g. cluster.nic.mtu=9000; repeatable")]
    public string[] Set { get; set; } = [];

    [CommandOption("--max-memory <SIZE>")]
    [Description("refuse (exit 2, with the estimate) a run estimated to need more (default: 75 % of this machine's memory); fewer runs go at once when several would not fit together")]
    public string? MaxMemory { get; set; }

    /// <summary>The command's name, for messages ("netsim run: ...").</summary>
    protected abstract string Command { get; }

    public ulong? SeedValue => OptionValues.NonNegative(Command, "--seed", Seed);
}
