using Spectre.Console;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Results;
using NetSim.Experiments.Running;
using NetSim.Reporting.Csv;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim compare: the same scenario and traffic over several datapaths, each metric absolute and as its overhead
/// against a baseline ("+85% RTT, -48% throughput, +66% CPU per Gbit/s").
/// </summary>
public sealed class CompareCommand : Command<CompareSettings>
{
    private const string Name = CompareSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public CompareCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, CompareSettings a, CancellationToken cancellationToken)
    {
        ulong? seed = a.SeedValue;
        int jobs = a.JobsValue;
        int threads = ThreadsOption.Parse(Name, a.Threads);
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        using var output = StagedDirectory.Open(a.Out, Name, a.Scenario);
        if (a.Report && output is null) throw CommandInputError.Of(Name, "--report needs --out (the page goes to DIR/report.html)");
        var scenario = ScenarioInput.Load(Name, a.ScenarioFile, a.Set, seed, null, a.Manifests);
        var (datapaths, baseline) = Datapaths(a, scenario);
        var scenarios = datapaths.Select(d => ScenarioInput.Load(Name, a.ScenarioFile, a.Set, seed, d, a.Manifests)).ToList();
        var profiles = new ProfileCache();
        foreach (var s in scenarios) profiles.For(s);
        var options = RunOptions.Default with { ExactCosts = a.ExactCosts, Threads = threads };
        foreach (var s in scenarios) ThreadsOption.Check(Name, threads, s, options, $"{s.Name} over {s.Cni.Datapath}");
        // Each datapath's run must fit; runs at once are as many as fit together.
        jobs = memory.Jobs(jobs, scenarios.Max(s => memory.Check(s, $"--datapath {s.Cni.Datapath}").Bytes));

        var results = new RunResult[scenarios.Count];
        _invocation.Progress.Track($"compare {scenario.Name}", scenarios.Count, finished =>
        {
            Parallel.For(0, scenarios.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
            {
                results[i] = Runs.Run(_runner, profiles, scenarios[i], datapaths[i], options);
                finished($"{datapaths[i]} ran in {Fmt.Seconds(results[i].WallSeconds)} s");
            });
            return 0;
        });
        var resolved = scenarios.Select(ScenarioInput.Resolve).ToList();
        var tables = results.Select((r, i) => RunTables.From(r, datapaths[i], resolved[i].Sha256, Program.Version)).ToList();
        var rows = Comparison.Rows(tables, baseline);
        var console = _invocation.Console;
        ComparisonView.Write(console, scenario.Name, tables, baseline, rows, a.Wide);
        var (podPath, notJudged) = PodPathCpuCheck.Evaluate(datapaths.Select((d, i) => (d, results[i])).ToList());
        foreach (var v in podPath) console.MarkupLine($"[red bold]invariant broken[/] {Markup.Escape(v.ToString())}");
        foreach (string line in notJudged) console.WriteLine($"note: {line}");

        if (output is not null)
        {
            for (int i = 0; i < datapaths.Count; i++)
            {
                File.WriteAllText(output.FilePath($"scenario.{datapaths[i]}.yaml"), resolved[i].Yaml);
                ScenarioInput.WriteCompanions(scenarios[i], output.Path);
            }
            ResultFiles.WriteTables(output.Path, tables);
            CsvTable.Write(output.FilePath("compare.csv"), rows);
            if (!a.NoCharts)
            {
                string charts = output.SubDirectory("charts");
                ResultFiles.WriteCharts(charts, scenario.Name, tables);
                ResultFiles.WriteComparisonCharts(charts, scenario.Name, rows, baseline);
            }
            if (a.Report) ReportCommand.Write(output.Path, _invocation.CommandLine);
            output.Commit(_invocation.CommandLine);
            console.WriteLine($"results: {output.Target}{(a.Report ? $" (report: {Path.Combine(output.Target, ReportCommand.FileName)})" : "")}");
        }
        return results.All(r => r.Holds) && podPath.Count == 0 ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>The datapaths to run (the baseline first when the list lacks it) and the baseline.</summary>
    private static (List<string> Datapaths, string Baseline) Datapaths(CompareSettings a, Scenario scenario)
    {
        var list = OptionValues.List(a.Datapaths).ToList();
        string from = "--datapaths";
        if (list.Count == 0) (list, from) = (scenario.CompareDatapaths.ToList(), "the scenario's compare list");
        if (list.Count == 0) throw CommandInputError.Of(Name, "no datapaths to compare: pass --datapaths A,B,... or give the scenario a 'compare' list");
        foreach (string d in list) ScenarioInput.CheckDatapath(Name, from, d);
        if (list.GroupBy(d => d, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw CommandInputError.Of(Name, $"{from} names {dup.Key} twice");
        string baseline = a.Baseline ?? scenario.Baseline;
        ScenarioInput.CheckDatapath(Name, "--baseline", baseline);
        if (!list.Contains(baseline, StringComparer.Ordinal)) list.Insert(0, baseline);
        if (list.Count < 2) throw CommandInputError.Of(Name, $"only the baseline {baseline} to run; name at least one other datapath");
        return (list, baseline);
    }
}
