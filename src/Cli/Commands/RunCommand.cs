using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Yaml;
using NetSim.Topologies.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim run: one scenario over one datapath; a summary on screen, tidy CSV files, the resolved scenario and charts in --out.</summary>
public sealed class RunCommand : Command<RunSettings>
{
    /// <summary>
    /// A capture file stops growing at this size unless --pcap-limit says otherwise: large enough for seconds of a
    /// 10 GbE capture's headers and small enough that a capture cannot fill a disk (a choice; issue 14 saw 427 MB
    /// written for 0.3 simulated seconds without a cap).
    /// </summary>
    public const long DefaultPcapLimitBytes = 100L * 1024 * 1024;

    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    /// <summary>More threads than partitions worth having on one machine is a typo.</summary>

    public RunCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, RunSettings a, CancellationToken cancellationToken)
    {
        const string Name = RunSettings.Name;
        ulong? seed = a.SeedValue;
        long pcapLimit = PcapLimit(a.PcapLimit);
        int threads = ThreadsOption.Parse(Name, a.Threads);
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        if (a.Pcap is not null) PcapPatternCheck.Check(Name, a.Pcap);
        using var output = StagedDirectory.Open(a.Out, Name, a.Scenario);
        if (a.Pcap is not null && output is null) throw CommandInputError.Of(Name, "--pcap needs --out (the captures go to DIR/pcap)");
        if (a.PcapLimit is not null && a.Pcap is null) throw CommandInputError.Of(Name, "--pcap-limit needs --pcap");
        if (a.Report && output is null) throw CommandInputError.Of(Name, "--report needs --out (the page goes to DIR/report.html)");
        var scenario = ScenarioInput.Load(Name, a.ScenarioFile, a.Set, seed, a.Datapath, a.Manifests);
        var profiles = new ProfileCache();
        profiles.For(scenario); // a missing profile is bad input, found before the run
        memory.Check(scenario);
        foreach (string note in scenario.ManifestNotes) _invocation.Console.WriteLine(note);
        var (yaml, sha) = ScenarioInput.Resolve(scenario);
        string datapath = scenario.Cni.Datapath;
        var clock = _invocation.Clock;
        double parsed = clock.Elapsed.TotalSeconds;

        var console = _invocation.Console;
        var options = new RunOptions(a.Pcap, a.Pcap is null ? null : output!.SubDirectory("pcap")) { PcapLimitBytes = pcapLimit, ExactCosts = a.ExactCosts, Threads = threads };
        ThreadsOption.Check(Name, threads, scenario, options);
        var result = WithProgress(console, $"{scenario.Name} over {datapath}", progress =>
            Runs.Run(_runner, profiles, scenario, datapath, options with { Progress = progress }));
        double simulated = clock.Elapsed.TotalSeconds;
        var tables = RunTables.From(result, datapath, sha, Program.Version);
        RunSummaryView.Write(console, tables, output is null ? null : output.Target);

        if (output is not null)
        {
            File.WriteAllText(output.FilePath("scenario.yaml"), yaml);
            ScenarioInput.WriteCompanions(scenario, output.Path);
            ResultFiles.WriteTables(output.Path, [tables]);
            if (!a.NoCharts) ResultFiles.WriteCharts(output.SubDirectory("charts"), scenario.Name, [tables]);
            if (a.Report) ReportCommand.Write(output.Path, _invocation.CommandLine);
            output.Commit(_invocation.CommandLine);
            console.WriteLine($"results: {output.Target}{(a.Report ? $" (report: {Path.Combine(output.Target, ReportCommand.FileName)})" : "")}");
        }
        Fmt.Line(console, RunSummaryView.WallLine(CommandPhases.Of(parsed, simulated, clock.Elapsed.TotalSeconds, result)), Style.Plain);
        return result.Holds ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>--pcap-limit as bytes (a size as in scenarios: 20MiB, 1GB, 500000; 0 = no limit).</summary>
    private static long PcapLimit(string? text)
    {
        if (text is null) return DefaultPcapLimitBytes;
        if (text.Trim() == "0") return long.MaxValue;
        return Units.TryParseBytes(text, out long bytes, out string error) ? bytes
            : throw CommandInputError.Of(RunSettings.Name, $"--pcap-limit: {error}");
    }

    /// <summary>Runs <paramref name="run"/> under a live progress bar on a terminal; plainly elsewhere (logs, pipes).</summary>
    internal static T WithProgress<T>(IAnsiConsole console, string what, Func<Action<double>?, T> run)
    {
        if (!Terminal.IsLive(console)) return run(null);
        return console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(what), maxValue: 1.0);
                var value = run(f => task.Value = Math.Clamp(f, 0, 1));
                task.Value = 1.0;
                return value;
            });
    }
}
