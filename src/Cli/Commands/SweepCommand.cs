using Spectre.Console;
using NetSim.Experiments.Results;
using System.Collections.Concurrent;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using Spectre.Console.Cli;
using NetSim.Cli.Reports;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Cli.Sweeps;
using NetSim.Engine.Diagnostics;
using NetSim.Engine.Randomness;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim sweep: a scenario over a grid of parameter values with replications, in parallel, saved run by run
/// so an interrupted sweep resumes; mean and 95% confidence interval per point, and line charts.
/// </summary>
public sealed class SweepCommand : Command<SweepSettings>
{
    private const string Name = SweepSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public SweepCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, SweepSettings a, CancellationToken cancellationToken)
    {
        string file = a.File;
        int jobs = a.JobsValue;
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        var sweep = SweepFile.Load(file);
        long count = SweepPoint.Count(sweep);
        if (count > SweepPoint.MaxPoints)
            throw new InputException(file, 0, "parameters", $"{string.Join(" × ", sweep.Parameters.Select(p => p.Values.Count))} = {(count == long.MaxValue ? "too many" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} points; a sweep has at most {SweepPoint.MaxPoints:N0} (use fewer values, or combine: zip)");
        if (count * sweep.Replications > MaxRuns)
            throw new InputException(file, 0, "replications", $"{count:N0} points × {sweep.Replications:N0} replications = {count * sweep.Replications:N0} runs; a sweep has at most {MaxRuns:N0}");
        var points = SweepPoint.Of(sweep).ToList();
        string outDir = a.Out ?? $"{sweep.Name}-sweep";
        OutputDirectoryCheck.Check(Name, outDir, [file, sweep.Scenario]);

        // Every point is loaded and checked before anything runs or is written (a bad point is bad input), then let go:
        // each run loads its point again, so a sweep of many large points never holds them all.
        var loaded = LoadPoints(sweep, points, jobs, memory);
        ulong baseSeed = sweep.Seed ?? loaded[0].Seed; // no parameter sets the seed, so every point has the scenario's
        jobs = memory.Jobs(jobs, loaded.Max(p => p.Bytes));
        var plan = Plan(sweep, points, loaded.Select(r => r.Sha256).ToList(), baseSeed);
        var store = SweepStore.Open(Name, outDir, plan, a.Resume);
        store.Begin(File.ReadAllText(file), loaded.Select(r => r.Yaml).ToList(), loaded.SelectMany(r => r.Companions).DistinctBy(c => c.Path).ToList());

        var console = _invocation.Console;
        var damaged = store.RemoveDamaged();
        if (damaged.Count > 0) console.WriteLine($"{damaged.Count} damaged or truncated run files removed, to be run again: {string.Join(", ", damaged.Take(5).Select(r => r.File))}{(damaged.Count > 5 ? ", ..." : "")}");
        var pending = plan.Where(r => !store.IsDone(r)).ToList();
        console.WriteLine($"sweep {sweep.Name}: {points.Count} points × {sweep.Replications} replications = {plan.Count} runs, " +
                          $"{plan.Count - pending.Count} already done, {pending.Count} to run on {Math.Min(jobs, Math.Max(1, pending.Count))} jobs; in {store.Directory}");
        var profiles = new ProfileCache();
        var cache = new PointCache(jobs + 1, i => LoadPoint(sweep, points[i]));
        RunAll(pending, plan.Count, jobs, run =>
        {
            var scenario = cache.Get(run.Point) with { Seed = run.Seed };
            var result = Runs.Run(_runner, profiles, scenario, scenario.Cni.Datapath, RunOptions.Default);
            store.Save(run, SweepResults.RunRows(run, result));
        }, store, points);

        var runRows = plan.ToDictionary(r => r.Run, store.Load);
        var rows = SweepResults.Summarise(points, plan, r => runRows[r.Run]);
        string csv = Path.Combine(store.Directory, "sweep.csv");
        SweepStore.WriteWhole(csv, SweepResults.Csv(sweep, points, rows));
        console.Write(SweepResults.Table(sweep, points, rows));
        foreach (string note in SweepResults.Notes(sweep, rows)) console.WriteLine(note);
        if (!a.NoCharts)
        {
            string charts = Directory.CreateDirectory(Path.Combine(store.Directory, "charts")).FullName;
            SweepResults.WriteCharts(charts, sweep, points, rows);
        }
        if (a.Report)
        {
            SweepStore.WriteWhole(Path.Combine(store.Directory, StagedDirectory.MarkerFile), $"{_invocation.CommandLine}\nnetsim {Program.Version}\n");
            ReportCommand.Write(store.Directory, _invocation.CommandLine);
        }
        console.WriteLine($"results: {csv}{(a.Report ? $" (report: {Path.Combine(store.Directory, ReportCommand.FileName)})" : "")}");

        var broken = runRows.Values.SelectMany(r => r).Where(r => r.Metric is SweepResults.ConservationViolations or SweepResults.InvariantViolations && r.Value != 0).ToList();
        foreach (var b in broken)
            console.WriteLine(b.Metric == SweepResults.ConservationViolations
                ? $"packet conservation failed in run {b.Run} (point {b.Point}, replication {b.Replication}, seed {b.Seed}): {b.Value} packets unaccounted for"
                : $"physical invariants failed in run {b.Run} (point {b.Point}, replication {b.Replication}, seed {b.Seed}): {b.Value} broken (run it alone to see which)");
        return broken.Count == 0 ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>The most runs a sweep may have (points × replications): each leaves a file in runs/.</summary>
    public const long MaxRuns = 100_000;

    /// <summary>What the sweep keeps of a checked point: its seed, resolved scenario, its SHA-256, companion files and memory estimate.</summary>
    private sealed record CheckedPoint(ulong Seed, string Yaml, string Sha256, IReadOnlyList<(string Path, string Text)> Companions, long Bytes);

    /// <summary>
    /// Loads and checks the points in parallel (thousands of Services take a while to expand): the scenario, its
    /// profile and its memory estimate. The first bad point in order is reported.
    /// </summary>
    private static List<CheckedPoint> LoadPoints(SweepFile sweep, List<SweepPoint> points, int jobs, MemoryLimit memory)
    {
        var loaded = new CheckedPoint?[points.Count];
        var errors = new InputException?[points.Count];
        var profiles = new ProfileCache();
        Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            try
            {
                var s = LoadPoint(sweep, points[i]);
                profiles.For(s);
                long bytes = Checked(sweep, points[i], () => memory.Check(s).Bytes);
                var (yaml, sha) = ScenarioInput.Resolve(s);
                loaded[i] = new CheckedPoint(s.Seed, yaml, sha, ScenarioWriter.Companions(s), bytes);
            }
            catch (InputException e)
            {
                errors[i] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) throw first;
        return loaded.Select(s => s!).ToList();
    }

    private static T Checked<T>(SweepFile sweep, SweepPoint point, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (InputException e)
        {
            throw new InputException(sweep.File, 0, $"point {point.Index} ({point.Parameters})", e.Problem);
        }
    }

    private static Scenario LoadPoint(SweepFile sweep, SweepPoint point)
    {
        try
        {
            return ScenarioLoader.Load(sweep.Scenario, sweep.Set.Concat(point.Overrides));
        }
        catch (InputException e)
        {
            throw new InputException(sweep.File, 0, $"point {point.Index} ({point.Parameters})", e.Message);
        }
    }

    /// <summary>Runs are numbered point by point; replication r of every point gets seed SeedFor(base, "replication/r") (common random numbers across points).</summary>
    private static List<SweepPlanRow> Plan(SweepFile sweep, List<SweepPoint> points, List<string> sha, ulong baseSeed)
    {
        var plan = new List<SweepPlanRow>();
        foreach (var p in points)
            for (int r = 0; r < sweep.Replications; r++)
            {
                int run = plan.Count;
                plan.Add(new SweepPlanRow(run, p.Index, r, RandomStreams.SeedFor(baseSeed, $"replication/{r}"), p.Parameters, sha[p.Index], SweepStore.RunFile(run)));
            }
        return plan;
    }

    /// <summary>
    /// Runs the pending runs on <paramref name="jobs"/> threads, in plan order, with progress (runs done of the total,
    /// time elapsed and left). The first failure stops new runs; runs already going finish and are saved, and the
    /// failure is reported with how to resume.
    /// </summary>
    private void RunAll(List<SweepPlanRow> pending, int total, int jobs, Action<SweepPlanRow> run, SweepStore store, List<SweepPoint> points)
    {
        var failures = new ConcurrentQueue<Exception>();
        _invocation.Progress.Track($"sweep ({total - pending.Count} already done)", pending.Count, finished =>
        {
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = jobs }, (r, state) =>
                {
                    if (!failures.IsEmpty) { state.Stop(); return; }
                    try
                    {
                        run(r);
                        finished($"run {r.Run}: point {r.Point} ({points[r.Point].Parameters}), replication {r.Replication}");
                    }
                    catch (Exception e) when (e is InputException or RunFailedException or NetSim.Topologies.Cni.CniException)
                    {
                        failures.Enqueue(e);
                        state.Stop();
                    }
                });
            return 0;
        });

        if (failures.TryDequeue(out var first))
        {
            int saved = store.Plan.Count(store.IsDone);
            string resume = $"{saved} of {total} runs are saved in {store.Directory}; run again with --resume to continue";
            if (first is InputException) throw new InputException($"{first.Message}; {resume}");
            throw new RunFailedException($"sweep stopped: {first.Message}; {resume}", first);
        }
    }
}
