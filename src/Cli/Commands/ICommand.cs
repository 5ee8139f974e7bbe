namespace NetSim.Cli.Commands;

/// <summary>One netsim sub-command: its name, one-line summary, help text with examples, and what it does.</summary>
public interface ICommand
{
    string Name { get; }
    string Summary { get; }
    string Help { get; }
    /// <summary>Runs the command; returns the exit code (0 ok, 1 a run failed an invariant, 2 bad input).</summary>
    int Execute(IReadOnlyList<string> args, TextWriter stdout);
}
