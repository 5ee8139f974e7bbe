using Spectre.Console;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// One call of netsim: its arguments (for command.txt), the console results are printed to (stdout), and the
/// writer progress and notes go to (stderr), so that piped results stay clean.
/// </summary>
public sealed class Invocation
{
    public Invocation(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        Args = args;
        Stdout = stdout;
        Stderr = stderr;
        Console = Terminal.For(stdout);
        Progress = new ProgressReporter(stderr, Terminal.IsLive(Console) ? Console : null);
    }

    /// <summary>Started when the command line is read: the whole command's wall time, phase by phase.</summary>
    public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

    public IReadOnlyList<string> Args { get; }
    public TextWriter Stdout { get; }
    public TextWriter Stderr { get; }
    public IAnsiConsole Console { get; }
    public ProgressReporter Progress { get; }

    /// <summary>The command line without the command's name, for command.txt ("netsim run ...").</summary>
    public string CommandLine => CommandText.Of(Args[0], Args.Skip(1));
}
