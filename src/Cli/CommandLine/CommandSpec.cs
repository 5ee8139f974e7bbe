namespace NetSim.Cli.CommandLine;

/// <summary>
/// What the help shows of one command: its name, its description (first paragraph = the one-line summary) and
/// its examples, each a full command line as a user types it (a test runs every one of them).
/// </summary>
public sealed record CommandSpec(string Name, string Description, IReadOnlyList<string> Examples)
{
    public string Summary => HelpText.Summary(Description);
}
