using NetSim.Experiments.Results;
using System.Collections.Concurrent;
using NetSim.Cli.CommandLine;
using NetSim.Cli.Reports;
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
        usage: netsim sweep SWEEP.yaml [--out DIR] [--resume] [--jobs N] [--no-charts] [--exact-costs]

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
          --exact-costs every CPU cost exactly its profile mean, no wakeup latency, fixed interrupt moderation
                        (the profile's variability ignored): replications then differ only where traffic is random

        exit codes: 0 ok; 1 a run failed an invariant or stopped with an error (finished runs are kept); 2 bad input

        examples:
          netsim sweep scenarios/sweeps/first-packet-latency.yaml
          netsim sweep scenarios/sweeps/first-packet-latency.yaml --out results/first-packet --jobs 8
          netsim sweep scenarios/sweeps/first-packet-latency.yaml --out results/first-packet --resume
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--out", "--jobs"], ["--resume", "--no-charts", "--exact-costs"]);
        string file = a.SinglePositional(Name, "sweep file");
        int jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount;
        var sweep = SweepFile.Load(file);
        var points = SweepPoint.Of(sweep);

        // Every point is loaded and checked before anything runs or is written: a bad point is bad input.
        var scenarios = LoadPoints(sweep, points, jobs);
        ulong baseSeed = sweep.Seed ?? scenarios[0].Seed; // no parameter sets the seed, so every point has the scenario's
        var profiles = new ProfileCache();
        foreach (var s in scenarios) profiles.For(s);
        var resolved = scenarios.Select(ScenarioInput.Resolve).ToList();
        var plan = Plan(sweep, points, resolved.Select(r => r.Sha256).ToList(), baseSeed);
        var store = SweepStore.Open(Name, a.Value("--out") ?? $"{sweep.Name}-sweep", plan, a.Flag("--resume"));
        store.Begin(File.ReadAllText(file), resolved.Select(r => r.Yaml).ToList());

        var console = Terminal.For(stdout);
        var pending = plan.Where(r => !store.IsDone(r)).ToList();
        console.WriteLine($"sweep {sweep.Name}: {points.Count} points × {sweep.Replications} replications = {plan.Count} runs, " +
                          $"{plan.Count - pending.Count} already done, {pending.Count} to run on {Math.Min(jobs, Math.Max(1, pending.Count))} jobs; in {store.Directory}");
        RunAll(console, pending, plan.Count, jobs, run =>
        {
            var scenario = scenarios[run.Point] with { Seed = run.Seed };
            var result = Runs.Run(_runner, profiles, scenario, scenario.Cni.Datapath, RunOptions.Default with { ExactCosts = a.Flag("--exact-costs") });
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

        var broken = runRows.Values.SelectMany(r => r).Where(r => r.Metric is SweepResults.ConservationViolations or SweepResults.InvariantViolations && r.Value != 0).ToList();
        foreach (var b in broken)
            console.WriteLine(b.Metric == SweepResults.ConservationViolations
                ? $"packet conservation failed in run {b.Run} (point {b.Point}, replication {b.Replication}, seed {b.Seed}): {b.Value} packets unaccounted for"
                : $"physical invariants failed in run {b.Run} (point {b.Point}, replication {b.Replication}, seed {b.Seed}): {b.Value} broken (run it alone to see which)");
        return broken.Count == 0 ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>Loads the points in parallel (thousands of Services take a while to expand); the first bad point in order is reported.</summary>
    private static List<Scenario> LoadPoints(SweepFile sweep, IReadOnlyList<SweepPoint> points, int jobs)
    {
        var loaded = new Scenario?[points.Count];
        var errors = new InputException?[points.Count];
        Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            try
            {
                loaded[i] = LoadPoint(sweep, points[i]);
            }
            catch (InputException e)
            {
                errors[i] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) throw first;
        return loaded.Select(s => s!).ToList();
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
    private static List<SweepPlanRow> Plan(SweepFile sweep, IReadOnlyList<SweepPoint> points, List<string> sha, ulong baseSeed)
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
    private static void RunAll(IAnsiConsole console, List<SweepPlanRow> pending, int total, int jobs, Action<SweepPlanRow> run, SweepStore store, IReadOnlyList<SweepPoint> points)
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
