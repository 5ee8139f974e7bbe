using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Commands;
using NetSim.Engine.Diagnostics;
using NetSim.Experiments.Running;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Simulation;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// The netsim command line on Spectre.Console.Cli: the commands, their settings (parsing), help wrapped to the
/// terminal with examples, and "did you mean" for misspelt commands and options. Bad input becomes one line and
/// exit code 2; a run that breaks an invariant or stops with an error, one line and exit code 1. Never a stack trace.
/// </summary>
public static class NetsimApp
{
    /// <summary>Every command in the order the help lists them, with its settings type.</summary>
    public static readonly IReadOnlyList<(CommandSpec Spec, Type Settings)> Commands =
    [
        (RunSettings.Spec, typeof(RunSettings)),
        (CompareSettings.Spec, typeof(CompareSettings)),
        (AdviseSettings.Spec, typeof(AdviseSettings)),
        (TraceSettings.Spec, typeof(TraceSettings)),
        (PolicyMatrixSettings.Spec, typeof(PolicyMatrixSettings)),
        (SweepSettings.Spec, typeof(SweepSettings)),
        (ReportSettings.Spec, typeof(ReportSettings)),
        (CheckReferenceSettings.Spec, typeof(CheckReferenceSettings)),
        (CalibrateSettings.Spec, typeof(CalibrateSettings)),
        (ValidateSettings.Spec, typeof(ValidateSettings)),
        (ProfilesSettings.Spec, typeof(ProfilesSettings)),
        (TestbedSettings.Spec, typeof(TestbedSettings)),
        (PlanSettings.Spec, typeof(PlanSettings)),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IScenarioRunner runner)
    {
        var invocation = new Invocation(args, stdout, stderr);
        var app = Build(invocation, runner);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            app.Run(["--help"]);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }
        if (args[0] == "--version")
        {
            stdout.WriteLine($"netsim {Program.Version}");
            return ExitCodes.Ok;
        }
        try
        {
            OptionCheck.Check(args, Commands.ToDictionary(c => c.Spec.Name, c => c.Settings, StringComparer.Ordinal));
            return app.Run(args);
        }
        catch (Exception e) when (Failure(args[0], e) is { } failure)
        {
            stderr.WriteLine($"netsim: {Cut(failure.Message)}");
            return failure.ExitCode;
        }
    }

    private static CommandApp Build(Invocation invocation, IScenarioRunner runner)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IScenarioRunner), runner);
        registrar.RegisterInstance(typeof(Invocation), invocation);
        var app = new CommandApp(registrar);
        var specs = Commands.ToDictionary(c => c.Spec.Name, c => c.Spec, StringComparer.Ordinal);
        app.Configure(c =>
        {
            c.SetApplicationName("netsim");
            c.ConfigureConsole(invocation.Console);
            c.PropagateExceptions();
            c.SetHelpProvider(new NetsimHelp(c.Settings, specs));
            c.AddCommand<RunCommand>(RunSettings.Name).WithDescription(RunSettings.Spec.Summary);
            c.AddCommand<CompareCommand>(CompareSettings.Name).WithDescription(CompareSettings.Spec.Summary);
            c.AddCommand<AdviseCommand>(AdviseSettings.Name).WithDescription(AdviseSettings.Spec.Summary);
            c.AddCommand<TraceCommand>(TraceSettings.Name).WithDescription(TraceSettings.Spec.Summary);
            c.AddCommand<PolicyMatrixCommand>(PolicyMatrixSettings.Name).WithDescription(PolicyMatrixSettings.Spec.Summary);
            c.AddCommand<SweepCommand>(SweepSettings.Name).WithDescription(SweepSettings.Spec.Summary);
            c.AddCommand<ReportCommand>(ReportSettings.Name).WithDescription(ReportSettings.Spec.Summary);
            c.AddCommand<CheckReferenceCommand>(CheckReferenceSettings.Name).WithDescription(CheckReferenceSettings.Spec.Summary);
            c.AddCommand<CalibrateCommand>(CalibrateSettings.Name).WithDescription(CalibrateSettings.Spec.Summary);
            c.AddCommand<ValidateCommand>(ValidateSettings.Name).WithDescription(ValidateSettings.Spec.Summary);
            c.AddCommand<ProfilesCommand>(ProfilesSettings.Name).WithDescription(ProfilesSettings.Spec.Summary);
            c.AddCommand<TestbedCommand>(TestbedSettings.Name).WithDescription(TestbedSettings.Spec.Summary);
            c.AddCommand<PlanCommand>(PlanSettings.Name).WithDescription(PlanSettings.Spec.Summary);
        });
        return app;
    }

    /// <summary>The one line and exit code for an exception a command let through; null for a bug (it keeps its stack trace).</summary>
    private static (string Message, int ExitCode)? Failure(string command, Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => Failure(command, a.InnerExceptions[0]),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Failure(command, inner),
        InputException => (e.Message, ExitCodes.BadInput),
        CniException => (e.ToString(), ExitCodes.BadInput),
        RunFailedException => (e.Message, ExitCodes.InvariantFailed),
        NetSim.Testbed.TestbedException => ($"testbed: {e.Message}", ExitCodes.InvariantFailed),
        OperationCanceledException => ("interrupted; everything the run created was removed", ExitCodes.InvariantFailed),
        CommandParseException or CommandRuntimeException => ($"netsim {command}: {OneLine(e.Message)}; see 'netsim {command} --help'", ExitCodes.BadInput),
        IOException or UnauthorizedAccessException => ($"cannot write the results: {e.Message}", ExitCodes.BadInput),
        _ => null,
    };

    private static string OneLine(string message) => message.Replace('\n', ' ').Trim().TrimEnd('.');

    /// <summary>The promise is one line: line breaks in a message (a parser quoting the input) become spaces, and a huge one is cut.</summary>
    private static string Cut(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Length <= 2000 ? line : line[..2000] + "...";
    }
}
