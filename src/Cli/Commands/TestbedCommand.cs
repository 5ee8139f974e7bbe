using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Experiments;
using NetSim.Testbed;
using NetSim.Topologies.Simulation;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim testbed: calibrates NetSim to this machine's kernel in one command. The work is in NetSim.Testbed; this
/// reads the options and prints.
/// </summary>
public sealed class TestbedCommand : Command<TestbedSettings>
{
    private const string Name = TestbedSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public TestbedCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, TestbedSettings a, CancellationToken cancellationToken)
    {
        var options = new TestbedOptions
        {
            OutDir = a.Out ?? "testbed",
            Quick = a.Quick,
            KeepGoing = a.KeepGoing,
            BaseProfile = ProfileLocator.Resolve(a.Profile ?? "default", null),
            FitKeys = a.Fit,
            Iterations = a.IterationsValue,
            Repetitions = a.RepetitionsValue,
            Jobs = a.JobsValue,
        };
        // Fit keys given on the command line are checked before anything is built on the machine.
        if (options.FitKeys is { } keys) NetSim.Experiments.Calibration.FitParameter.ParseList(Name, keys, NetSim.Engine.Costs.CostProfileLoader.Load(options.BaseProfile));
        var stdout = _invocation.Stdout;
        void Log(string line) => stdout.WriteLine(line);
        var run = new TestbedRun(options, Log);
        var measured = run.Measure();
        if (measured is null) return ExitCodes.InvariantFailed;
        var prediction = TestbedFit.Run(_runner, measured, options, _invocation.CommandLine, Log);
        stdout.Write(prediction.Markdown());
        stdout.WriteLine($"wrote {measured.CsvPath}, {prediction.ProfilePath}, {Path.Combine(options.OutDir, "prediction.md")}");
        if (measured.Failures.Count > 0)
        {
            foreach (string f in measured.Failures) stdout.WriteLine($"failed: {f}");
            return ExitCodes.InvariantFailed;
        }
        return ExitCodes.Ok;
    }
}
