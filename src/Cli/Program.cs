using NetSim.Cli.Commands;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;

namespace NetSim.Cli;

/// <summary>The netsim command: dispatches to a sub-command; bad input becomes one line and exit code 2.</summary>
internal static class Program
{
    private static readonly ICommand[] Commands =
    [
        new ValidateCommand(),
        new ProfilesCommand(),
    ];

    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.Write(Usage());
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine($"netsim {Version}");
            return ExitCodes.Ok;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"netsim: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}");
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
        catch (InputException e)
        {
            stderr.WriteLine($"netsim: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (CniException e)
        {
            stderr.WriteLine($"netsim: {e}");
            return ExitCodes.BadInput;
        }
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";

    private static string Usage()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("netsim: a packet-level simulator of Kubernetes cluster networking.");
        sb.AppendLine();
        sb.AppendLine("usage: netsim COMMAND [ARGS] (netsim COMMAND --help for each)");
        sb.AppendLine();
        foreach (var c in Commands) sb.AppendLine($"  {c.Name,-16} {c.Summary}");
        sb.AppendLine();
        sb.AppendLine("exit codes: 0 ok, 1 a run failed an invariant, 2 bad input");
        return sb.ToString();
    }
}
