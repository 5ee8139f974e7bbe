using System.Globalization;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments;
using NetSim.Experiments.Advice;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Engine.Statistics;
using NetSim.Reporting.Csv;
using NetSim.Topologies.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim advise: the requirements against the feature matrix, the eligible datapaths run with replications, and a
/// ranked answer with a reason per place (the logic is in NetSim.Experiments.Advice; this prints and writes it).
/// </summary>
public sealed class AdviseCommand : Command<AdviseSettings>
{
    private const string Name = AdviseSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public AdviseCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, AdviseSettings a, CancellationToken cancellationToken)
    {
        var console = _invocation.Console;
        var matrix = FeatureMatrix.Bundled;
        if (a.Features)
        {
            if (a.Requirements is not null) throw CommandInputError.Of(Name, "--features prints the matrix only; leave out REQUIREMENTS");
            console.Profile.Out.Writer.Write(matrix.Markdown());
            return ExitCodes.Ok;
        }
        if (a.Requirements is null) throw CommandInputError.Of(Name, "give a REQUIREMENTS file (e.g. scenarios/exercises/startup.yaml), or --features");
        int replications = a.ReplicationsValue, jobs = a.JobsValue;
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        var inputs = a.Scenario is null ? new[] { a.Requirements } : [a.Requirements, a.Scenario];
        using var output = StagedDirectory.Open(a.Out, Name, inputs);
        var requirements = RequirementsLoader.Load(a.Requirements, a.Set);
        var plan = Advisor.Plan(requirements, matrix, a.Scenario, [], replications, a.IncludeFailing);
        if (plan.Runs.Count > 0)
            jobs = memory.Jobs(jobs, plan.Runs.Max(r => memory.Check(r.Scenario, $"--datapath {r.Datapath}").Bytes));
        var profiles = new ProfileCache();
        foreach (var r in plan.Runs) profiles.For(r.Scenario);

        IReadOnlyList<RunResult> results = [];
        if (plan.Runs.Count > 0)
            _invocation.Progress.Track($"advise {requirements.Name}", plan.Runs.Count, finished =>
            {
                results = Advisor.Run(plan, _runner, profiles, RunOptions.Default with { ExactCosts = a.ExactCosts }, jobs, finished);
                return 0;
            });
        var ranking = Ranking.Rank(plan, results, matrix);
        string markdown = AdviceReport.Markdown(plan, ranking);
        if (a.Markdown) console.Profile.Out.Writer.Write(markdown);
        else Print(console, plan, ranking);

        if (output is not null) Write(output, plan, ranking, results, markdown, a.NoCharts);
        return results.All(r => r.Holds) ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    private static void Print(IAnsiConsole console, AdvicePlan plan, IReadOnlyList<RankedCandidate> ranking)
    {
        console.WriteLine($"netsim advise: {plan.Requirements.Name}");
        console.WriteLine($"requirements: {AdviceReport.Summary(plan.Requirements)}");
        console.WriteLine($"scenario: {plan.ScenarioNote}; {plan.Replications} replication(s) per datapath, mean ± 95 % interval");
        var table = new Table().Border(TableBorder.Square);
        table.AddColumn("#", c => c.RightAligned());
        table.AddColumn("datapath", c => c.NoWrap());
        table.AddColumn("verdict", c => c.NoWrap());
        table.AddColumn("RR p50 µs", c => c.RightAligned().NoWrap());
        table.AddColumn("Gbit/s", c => c.RightAligned().NoWrap());
        table.AddColumn("CRR p50 µs", c => c.RightAligned().NoWrap());
        table.AddColumn("CPU µs/Gbit", c => c.RightAligned().NoWrap());
        table.AddColumn("fails");
        foreach (var c in ranking)
            table.AddRow(c.Rank.ToString(CultureInfo.InvariantCulture), c.Datapath, AdviceReport.Verdict(c, ranking),
                AdviceReport.Cell(c.Measured?.LatencyP50Us), AdviceReport.Cell(c.Measured?.ThroughputGbps), AdviceReport.Cell(c.Measured?.SetupP50Us),
                AdviceReport.Cell(c.Measured?.CpuUsPerGbit), Markup.Escape(string.Join(", ", c.Failures.Select(f => f.Label))));
        console.Write(table);
        console.WriteLine("why each place (matrix cells as feature=value [source]; the whole matrix: netsim advise --features):");
        foreach (var c in ranking) console.WriteLine($"{c.Rank}. {c.Datapath}: {c.Reason}.");
    }

    private void Write(StagedDirectory output, AdvicePlan plan, IReadOnlyList<RankedCandidate> ranking, IReadOnlyList<RunResult> results, string markdown, bool noCharts)
    {
        File.WriteAllText(output.FilePath("advice.md"), markdown);
        File.WriteAllText(output.FilePath("scenario.yaml"), ScenarioInput.Resolve(plan.Scenario).Yaml);
        using (var w = new StreamWriter(output.FilePath("advice.csv")))
            CsvTable.WriteRaw(w, ["rank", "datapath", "verdict", "replications", "rr_p50_us", "rr_p50_ci95_us", "goodput_gbps", "goodput_ci95_gbps",
                "crr_p50_us", "crr_p50_ci95_us", "cpu_us_per_gbit", "cpu_us_per_gbit_ci95", "fails", "reason"],
                ranking.Select(c => (IReadOnlyList<object?>)[c.Rank, c.Datapath, AdviceReport.Verdict(c, ranking), c.Measured is null ? null : plan.Replications,
                    Mean(c.Measured?.LatencyP50Us), Half(c.Measured?.LatencyP50Us), Mean(c.Measured?.ThroughputGbps), Half(c.Measured?.ThroughputGbps),
                    Mean(c.Measured?.SetupP50Us), Half(c.Measured?.SetupP50Us), Mean(c.Measured?.CpuUsPerGbit), Half(c.Measured?.CpuUsPerGbit),
                    string.Join("; ", c.Failures.Select(f => f.ToString())), c.Reason]));
        using (var w = new StreamWriter(output.FilePath("runs.csv")))
            CsvTable.WriteRaw(w, ["datapath", "replication", "seed", "group", "metric", "value"],
                plan.Runs.SelectMany((run, i) => NetSim.Experiments.Results.RunMetrics.Of(results[i]).Select(v =>
                    (IReadOnlyList<object?>)[run.Datapath, run.Replication + 1, run.Scenario.Seed, v.Group, v.Metric.Key, v.Value])));
        var first = plan.Runs.Select((run, i) => (run, i)).Where(x => x.run.Replication == 0).ToList();
        if (first.Count > 0)
        {
            var tables = first.Select(x => RunTables.From(results[x.i], x.run.Datapath, ScenarioInput.Resolve(x.run.Scenario).Sha256, Program.Version)).ToList();
            ResultFiles.WriteTables(output.Path, tables);
            // Every measured datapath against the recommended one, as compare reports against its baseline.
            string? recommended = ranking.FirstOrDefault(c => c.Eligible && c.Measured is not null)?.Datapath;
            var rows = recommended is null ? [] : Comparison.Rows(tables, recommended);
            if (recommended is not null) CsvTable.Write(output.FilePath("compare.csv"), rows);
            if (!noCharts)
            {
                string charts = output.SubDirectory("charts");
                ResultFiles.WriteCharts(charts, plan.Scenario.Name, tables);
                if (recommended is not null && tables.Count > 1) ResultFiles.WriteComparisonCharts(charts, plan.Scenario.Name, rows, recommended);
            }
        }
        output.Commit(_invocation.CommandLine);
        _invocation.Console.WriteLine($"results: {output.Target}");
    }

    private static double? Mean(ReplicationSummary? s) => s?.Mean;

    private static double? Half(ReplicationSummary? s) => s is { Count: > 1 } ? s.HalfWidth95 : null;
}
