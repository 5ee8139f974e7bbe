using NetSim.Cli.Commands;
using NetSim.Experiments.Running;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli;

/// <summary>
/// The netsim command: dispatches to a sub-command. Bad input becomes one line and exit code 2; a run that
/// breaks an invariant or stops with an error, one line and exit code 1. Never a stack trace.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, RunnerFactory.Create());

    /// <summary>Runs netsim with <paramref name="runner"/> building and running the clusters (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IScenarioRunner runner)
    {
        var commands = Commands(runner);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.Write(Usage(commands));
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine($"netsim {Version}");
            return ExitCodes.Ok;
        }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"netsim: unknown command '{args[0]}'; commands: {string.Join(", ", commands.Select(c => c.Name))}");
            return ExitCodes.BadInput;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            stdout.Write(command.Help);
            return ExitCodes.Ok;
        }
        try
        {
            return command.Execute(args[1..], stdout);
        }
        catch (Exception e) when (Failure(e) is { } failure)
        {
            stderr.WriteLine($"netsim: {OneLine(failure.Message)}");
            return failure.ExitCode;
        }
    }

    /// <summary>The promise is one line: line breaks in a message (a parser quoting the input) become spaces, and a huge one is cut.</summary>
    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Length <= 2000 ? line : line[..2000] + "...";
    }

    private static ICommand[] Commands(IScenarioRunner runner) =>
    [
        new RunCommand(runner),
        new CompareCommand(runner),
        new TraceCommand(runner),
        new SweepCommand(runner),
        new CalibrateCommand(runner),
        new CheckReferenceCommand(runner),
        new ValidateCommand(),
        new ProfilesCommand(),
    ];

    /// <summary>The one line and exit code for an exception a command let through; null for a bug (it keeps its stack trace).</summary>
    private static (string Message, int ExitCode)? Failure(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => Failure(a.InnerExceptions[0]),
        InputException => (e.Message, ExitCodes.BadInput),
        CniException => (e.ToString(), ExitCodes.BadInput),
        RunFailedException => (e.Message, ExitCodes.InvariantFailed),
        IOException or UnauthorizedAccessException => ($"cannot write the results: {e.Message}", ExitCodes.BadInput),
        _ => null,
    };

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";

    private static string Usage(ICommand[] commands)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("netsim: a packet-level simulator of Kubernetes cluster networking.");
        sb.AppendLine();
        sb.AppendLine("usage: netsim COMMAND [ARGS] (netsim COMMAND --help for each, with examples)");
        sb.AppendLine();
        foreach (var c in commands) sb.AppendLine($"  {c.Name,-16} {c.Summary}");
        sb.AppendLine();
        sb.AppendLine("exit codes: 0 ok, 1 a run failed an invariant (or stopped with an error), 2 bad input");
        return sb.ToString();
    }
}
