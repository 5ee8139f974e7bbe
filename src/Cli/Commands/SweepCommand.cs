using NetSim.Experiments.Results;
using System.Collections.Concurrent;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Reports;
using NetSim.Cli.Output;
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
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim sweep: a scenario over a grid of parameter values with replications, in parallel, saved run by run
/// so an interrupted sweep resumes; mean and 95% confidence interval per point, and line charts.
/// </summary>
public sealed class SweepCommand : ICommand
{
    private readonly IScenarioRunner _runner;

    public SweepCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "sweep";
    public string Summary => "run a scenario over a grid of parameters with replications: mean and 95% CI per point";
    public string Help => $$"""
        usage: netsim sweep SWEEP.yaml [--out DIR] [--resume] [--jobs N] [--no-charts]

        SWEEP.yaml names a scenario and the fields to vary (format: scenarios/README.md, "Sweeps"), e.g.
          scenario: ../first-packet-latency.yaml
          replications: 5
          parameters:
            services[0].count: {log: [10, 30000, 8]}
            kube_proxy.mode: [iptables, ipvs, nftables]
        Every point (every combination of values) runs REPLICATIONS times with independent seeds derived from the
        base seed and the replication number, runs in parallel, and each finished run is saved at once.

        DIR (default: ./NAME-sweep) holds:
          manifest.csv       every planned run: point, replication, seed, parameters, scenario SHA-256
          points/            each point's resolved scenario ('netsim run points/point-0003.yaml --seed S' repeats a run)
          runs/              one CSV per finished run (written whole: an existing file is a complete run)
          sweep.csv          per point, group and metric: replications, mean, 95% confidence half-width (Student t)
          charts/            each charted metric against the first numeric parameter, a line per other combination
        An interrupted sweep (Ctrl+C, a crash, a killed job) keeps every finished run: run the same command with
        --resume and only the missing runs run; the final sweep.csv is the same as an uninterrupted sweep's.

        options:
          --out DIR     where the sweep lives
          --resume      continue the sweep in DIR (it must be the same sweep file, scenario and parameters)
          --jobs N      runs in parallel (default: the number of cores, {{Environment.ProcessorCount}} here)
          --no-charts   skip the charts
          --max-memory SIZE  refuse a point whose run is estimated to need more (default: 75 % of this machine's
                        memory); fewer runs go at once when --jobs of them would not fit together

        exit codes: 0 ok; 1 a run failed an invariant or stopped with an error (finished runs are kept); 2 bad input

        examples:
          netsim sweep scenarios/sweeps/first-packet-latency.yaml
          netsim sweep scenarios/sweeps/first-packet-latency.yaml --out results/first-packet --jobs 8
          netsim sweep scenarios/sweeps/first-packet-latency.yaml --out results/first-packet --resume
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--out", "--jobs", "--max-memory"], ["--resume", "--no-charts"]);
        string file = a.SinglePositional(Name, "sweep file");
        int jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount;
        var memory = MemoryLimit.Parse(Name, a.Value("--max-memory"));
        var sweep = SweepFile.Load(file);
        long count = SweepPoint.Count(sweep);
        if (count > SweepPoint.MaxPoints)
            throw new InputException(file, 0, "parameters", $"{string.Join(" × ", sweep.Parameters.Select(p => p.Values.Count))} = {(count == long.MaxValue ? "too many" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} points; a sweep has at most {SweepPoint.MaxPoints:N0} (use fewer values, or combine: zip)");
        if (count * sweep.Replications > MaxRuns)
            throw new InputException(file, 0, "replications", $"{count:N0} points × {sweep.Replications:N0} replications = {count * sweep.Replications:N0} runs; a sweep has at most {MaxRuns:N0}");
        var points = SweepPoint.Of(sweep).ToList();
        string outDir = a.Value("--out") ?? $"{sweep.Name}-sweep";
        OutputDirectoryCheck.Check(Name, outDir, [file, sweep.Scenario]);

        // Every point is loaded and checked before anything runs or is written (a bad point is bad input), then let go:
        // each run loads its point again, so a sweep of many large points never holds them all.
        var loaded = LoadPoints(sweep, points, jobs, memory);
        ulong baseSeed = sweep.Seed ?? loaded[0].Seed; // no parameter sets the seed, so every point has the scenario's
        jobs = memory.Jobs(jobs, loaded.Max(p => p.Bytes));
        var plan = Plan(sweep, points, loaded.Select(r => r.Sha256).ToList(), baseSeed);
        var store = SweepStore.Open(Name, outDir, plan, a.Flag("--resume"));
        store.Begin(File.ReadAllText(file), loaded.Select(r => r.Yaml).ToList(), loaded.SelectMany(r => r.Companions).DistinctBy(c => c.Path).ToList());

        var console = Terminal.For(stdout);
        var damaged = store.RemoveDamaged();
        if (damaged.Count > 0) console.WriteLine($"{damaged.Count} damaged or truncated run files removed, to be run again: {string.Join(", ", damaged.Take(5).Select(r => r.File))}{(damaged.Count > 5 ? ", ..." : "")}");
        var pending = plan.Where(r => !store.IsDone(r)).ToList();
        console.WriteLine($"sweep {sweep.Name}: {points.Count} points × {sweep.Replications} replications = {plan.Count} runs, " +
                          $"{plan.Count - pending.Count} already done, {pending.Count} to run on {Math.Min(jobs, Math.Max(1, pending.Count))} jobs; in {store.Directory}");
        var profiles = new ProfileCache();
        var cache = new PointCache(jobs + 1, i => LoadPoint(sweep, points[i]));
        RunAll(console, pending, plan.Count, jobs, run =>
        {
            var scenario = cache.Get(run.Point) with { Seed = run.Seed };
            var result = Runs.Run(_runner, profiles, scenario, scenario.Cni.Datapath, RunOptions.Default);
            store.Save(run, SweepResults.RunRows(run, result));
        }, store, points);

        var runRows = plan.ToDictionary(r => r.Run, store.Load);
        var rows = SweepResults.Summarise(points, plan, r => runRows[r.Run]);
        string csv = Path.Combine(store.Directory, "sweep.csv");
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, rows);
        SweepStore.WriteWhole(csv, text.ToString());
        console.Write(SweepResults.Table(sweep, points, rows));
        if (!a.Flag("--no-charts"))
        {
            string charts = Directory.CreateDirectory(Path.Combine(store.Directory, "charts")).FullName;
            if (SweepResults.WriteCharts(charts, sweep, points, rows) is { } note) console.WriteLine(note);
        }
        console.WriteLine($"results: {csv}");

        var broken = runRows.Values.SelectMany(r => r).Where(r => r.Metric == SweepResults.ConservationViolations && r.Value != 0).ToList();
        foreach (var b in broken) console.WriteLine($"packet conservation failed in run {b.Run} (point {b.Point}, replication {b.Replication}, seed {b.Seed}): {b.Value} packets unaccounted for");
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
    /// Runs the pending runs on <paramref name="jobs"/> threads, in plan order, with a progress bar (done/total, ETA)
    /// on a terminal and a line per finished run elsewhere. The first failure stops new runs; runs already going
    /// finish and are saved, and the failure is reported with how to resume.
    /// </summary>
    private static void RunAll(IAnsiConsole console, List<SweepPlanRow> pending, int total, int jobs, Action<SweepPlanRow> run, SweepStore store, List<SweepPoint> points)
    {
        int done = total - pending.Count;
        var failures = new ConcurrentQueue<Exception>();
        void Loop(Action<SweepPlanRow> finished) =>
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = jobs }, (r, state) =>
                {
                    if (!failures.IsEmpty) { state.Stop(); return; }
                    try
                    {
                        run(r);
                        finished(r);
                    }
                    catch (Exception e) when (e is InputException or RunFailedException or NetSim.Topologies.Cni.CniException)
                    {
                        failures.Enqueue(e);
                        state.Stop();
                    }
                });

        if (Terminal.IsLive(console))
        {
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{done}/{total} runs", maxValue: total);
                    task.Value = done;
                    Loop(_ =>
                    {
                        int d = Interlocked.Increment(ref done);
                        lock (task) { task.Increment(1); task.Description = $"{d}/{total} runs"; }
                    });
                });
        }
        else
        {
            Loop(r =>
            {
                int d = Interlocked.Increment(ref done);
                lock (console) console.WriteLine($"[{d}/{total}] run {r.Run}: point {r.Point} ({points[r.Point].Parameters}), replication {r.Replication}");
            });
        }

        if (failures.TryDequeue(out var first))
        {
            int saved = store.Plan.Count(store.IsDone);
            string resume = $"{saved} of {total} runs are saved in {store.Directory}; run again with --resume to continue";
            if (first is InputException) throw new InputException($"{first.Message}; {resume}");
            throw new RunFailedException($"sweep stopped: {first.Message}; {resume}", first);
        }
    }
}
