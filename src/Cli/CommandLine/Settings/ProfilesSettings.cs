using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim profiles' command line.</summary>
public sealed class ProfilesSettings : CommandSettings
{
    public const string Name = "profiles";

    public static readonly CommandSpec Spec = new(Name, """
        list cost profiles, or show one profile's costs and their sources

        Without an argument, lists the profiles found (in ./profiles and beside the netsim binary). With one,
        prints every cost and delay of that profile with the source it cites (docs/sources.md explains the
        citations).
        """,
        [
            "netsim profiles",
            "netsim profiles default",
        ]);

    [CommandArgument(0, "[NAME]")]
    [Description("a profile's name (in profiles/) or path")]
    public string? Profile { get; set; }
}
