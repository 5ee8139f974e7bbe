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
using NetSim.Experiments;
using NetSim.Experiments.Sweeps;
using NetSim.Engine.Diagnostics;
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

    /// <summary>The word that, in place of SWEEP, makes the command merge shards.</summary>
    public const string MergeWord = "merge";

    public override int Execute(CommandContext context, SweepSettings a, CancellationToken cancellationToken)
    {
        if (a.File == MergeWord) return Merge(a);
        if (a.ShardDirectories.Length > 0)
            throw CommandInputError.Of(Name, $"unexpected argument '{a.ShardDirectories[0]}' (only 'netsim sweep merge DIR...' takes several directories)");
        if (a.Emit is not null) return Emit(a);
        if ((a.Shards ?? a.Parallelism ?? a.Image ?? a.VolumeClaim) is not null)
            throw CommandInputError.Of(Name, "--shards, --parallelism, --image and --volume-claim go with --emit kubernetes|slurm");
        return Sweep(a);
    }

    private int Sweep(SweepSettings a)
    {
        string file = a.File;
        int jobs = a.JobsValue;
        int threads = ThreadsOption.Parse(Name, a.Threads);
        var options = RunOptions.Default with { ExactCosts = a.ExactCosts, Threads = threads };
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        var shard = a.Shard is null ? SweepShard.Whole : SweepShard.Parse(Name, a.Shard);
        var sweep = LoadChecked(file);
        var points = SweepPoint.Of(sweep).ToList();
        if (shard.Count > points.Count)
            throw CommandInputError.Of(Name, $"--shard {shard}: the sweep has {points.Count} points, so at most {points.Count} shards");
        var mine = shard.Points(points.Count).Select(i => points[i]).ToList();
        string outDir = a.Out ?? $"{sweep.Name}-sweep";
        OutputDirectoryCheck.Check(Name, outDir, [file, sweep.Scenario]);

        // Every point is loaded and checked before anything runs or is written (a bad point is bad input), then let go:
        // each run loads its point again, so a sweep of many large points never holds them all.
        var loaded = LoadPoints(sweep, mine, jobs, memory, options);
        ulong baseSeed = sweep.Seed ?? loaded[0].Seed; // no parameter sets the seed, so every point has the scenario's
        jobs = memory.Jobs(jobs, loaded.Max(p => p.Bytes));
        string costs = a.ExactCosts ? "exact" : "drawn";
        var plan = SweepPlan.Build(mine.Select((p, k) => new SweepPlan.PlannedPoint(p.Index, p.Parameters, loaded[k].Sha256)), sweep.Replications, baseSeed, costs);
        var store = SweepStore.Open(Name, outDir, plan, a.Resume);
        string sweepText = File.ReadAllText(file);
        var manifest = shard.IsWhole ? null : new ShardManifest(shard.Index, shard.Count, points.Count, sweep.Replications,
            SweepStore.Sha256(sweepText), SweepStore.Sha256(File.ReadAllText(sweep.Scenario)), costs, Program.Version);
        store.Begin(sweepText, mine.Select((p, k) => (p.Index, loaded[k].Yaml)).ToList(), loaded.SelectMany(r => r.Companions).DistinctBy(c => c.Path).ToList(), manifest);

        var console = _invocation.Console;
        var damaged = store.RemoveDamaged();
        if (damaged.Count > 0) console.WriteLine($"{damaged.Count} damaged or truncated run files removed, to be run again: {string.Join(", ", damaged.Take(5).Select(r => r.File))}{(damaged.Count > 5 ? ", ..." : "")}");
        var pending = plan.Where(r => !store.IsDone(r)).ToList();
        string which = shard.IsWhole ? "" : $" shard {shard} ({mine.Count} of {points.Count} points)";
        console.WriteLine($"sweep {sweep.Name}{which}: {mine.Count} points × {sweep.Replications} replications = {plan.Count} runs, " +
                          $"{plan.Count - pending.Count} already done, {pending.Count} to run on {Math.Min(jobs, Math.Max(1, pending.Count))} jobs; in {store.Directory}");
        var profiles = new ProfileCache();
        var cache = new PointCache(jobs + 1, i => LoadPoint(sweep, points[i]));
        RunAll(pending, plan.Count, jobs, run =>
        {
            var scenario = cache.Get(run.Point) with { Seed = run.Seed };
            var result = Runs.Run(_runner, profiles, scenario, scenario.Cni.Datapath, options);
            store.Save(run, SweepResults.RunRows(run, result));
        }, store, points);
        return Finish(a, sweep, points, mine, store);
    }

    /// <summary>netsim sweep merge DIR... --out DIR: the shards checked, copied into one sweep directory, summarised as one machine's sweep.</summary>
    private int Merge(SweepSettings a)
    {
        if ((a.Shard ?? a.Emit ?? a.Shards ?? a.Parallelism ?? a.Image ?? a.VolumeClaim) is not null || a.Resume)
            throw CommandInputError.Of(Name, "merge takes the shard directories, --out DIR and optionally --no-charts and --report");
        string outDir = a.Out ?? throw CommandInputError.Of(Name, "merge needs --out DIR (where the merged sweep goes)");
        var shards = ShardMerge.Read(Name, a.ShardDirectories);
        OutputDirectoryCheck.Check(Name, outDir, a.ShardDirectories.Select(d => Path.Combine(d, ShardManifest.FileName)));
        var sweep = SweepFile.Load(Path.Combine(a.ShardDirectories[0], "sweep.yaml"), scenarioMustExist: false);
        var points = SweepPoint.Of(sweep).ToList();
        if (points.Count != shards.Manifest.Points)
            throw CommandInputError.Of(Name, $"merge: {a.ShardDirectories[0]}/sweep.yaml has {points.Count} points, its {ShardManifest.FileName} {shards.Manifest.Points}");
        var store = SweepStore.Open(Name, outDir, shards.Plan, resume: false);
        ShardMerge.Write(shards, store);
        _invocation.Console.WriteLine($"sweep {sweep.Name}: {shards.Manifest.Shards} shards merged, {points.Count} points × {sweep.Replications} replications = {shards.Plan.Count} runs; in {store.Directory}");
        return Finish(a, sweep, points, points, store);
    }

    /// <summary>sweep.csv, the table, the notes, the charts and the report of the runs in <paramref name="store"/> (points <paramref name="ran"/> of <paramref name="points"/>).</summary>
    private int Finish(SweepSettings a, SweepFile sweep, List<SweepPoint> points, List<SweepPoint> ran, SweepStore store)
    {
        var console = _invocation.Console;
        var plan = store.Plan;
        var runRows = plan.ToDictionary(r => r.Run, store.Load);
        var rows = SweepResults.Summarise(ran, plan, r => runRows[r.Run]);
        string csv = Path.Combine(store.Directory, "sweep.csv");
        SweepStore.WriteWhole(csv, SweepResults.Csv(sweep, points, rows));
        var (table, leftOut) = SweepResults.Table(sweep, ran, rows);
        console.Write(table);
        if (leftOut > 0) console.WriteLine($"{leftOut:N0} more rows (point × group) are in {csv}");
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

    /// <summary>
    /// netsim sweep SWEEP --emit kubernetes|slurm --shards N: the batch job that runs the shards, written to --out FILE;
    /// nothing runs. SWEEP is written as given: the path the tasks see (relative to the image's /netsim, or the Slurm job's directory).
    /// </summary>
    private int Emit(SweepSettings a)
    {
        if (a.Shard is not null || a.Resume || a.Report)
            throw CommandInputError.Of(Name, "--emit writes the job that runs the shards; it takes --shards N (and --parallelism, --image, --volume-claim, --exact-costs, --out FILE), not --shard, --resume or --report");
        string scheduler = a.Emit switch
        {
            "kubernetes" or "slurm" => a.Emit,
            _ => throw CommandInputError.Of(Name, $"--emit '{a.Emit}' is not a scheduler; known: kubernetes, slurm"),
        };
        var sweep = LoadChecked(a.File);
        long count = SweepPoint.Count(sweep);
        int shards = OptionValues.Bounded(Name, "--shards", a.Shards, 1, SweepShard.MaxCount) ?? throw CommandInputError.Of(Name, "--emit needs --shards N (how many tasks share the points)");
        if (shards > count) throw CommandInputError.Of(Name, $"--shards {shards}: the sweep has {count} points, so at most {count} shards");
        int parallelism = OptionValues.Bounded(Name, "--parallelism", a.Parallelism, 1, shards) ?? shards;
        string image = a.Image ?? $"netsim:{Program.Version.Split('+')[0]}";
        if (image.Length == 0 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) throw CommandInputError.Of(Name, $"--image '{image}' is not an image reference");
        string claim = a.VolumeClaim ?? "netsim-results";
        if (!System.Text.RegularExpressions.Regex.IsMatch(claim, "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"))
            throw CommandInputError.Of(Name, $"--volume-claim '{claim}' is not a Kubernetes object name (lowercase letters, digits, '-' and '.')");
        var spec = new ClusterSweep(sweep.Name, a.File.Replace('\\', '/'), shards, parallelism, image, claim, a.ExactCosts);
        bool kubernetes = scheduler == "kubernetes";
        string outFile = a.Out ?? (kubernetes ? $"{sweep.Name}.job.yaml" : $"{sweep.Name}.slurm.sh");
        if (Directory.Exists(outFile)) throw CommandInputError.Of(Name, $"--out {outFile} is a directory; with --emit it names the file to write");
        string? parent = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (parent is not null) Directory.CreateDirectory(parent);
        SweepStore.WriteWhole(outFile, kubernetes ? KubernetesSweepJob.Yaml(spec) : SlurmSweepArray.Script(spec));
        if (!kubernetes && !OperatingSystem.IsWindows()) File.SetUnixFileMode(outFile, File.GetUnixFileMode(outFile) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        string results = spec.ResultsDirectory(kubernetes ? ClusterSweep.ResultsMount : "results");
        _invocation.Console.WriteLine($"wrote {outFile}: {shards} shards of {count} points × {sweep.Replications} replications, at most {parallelism} at once; " +
                                      (kubernetes ? $"kubectl apply -f {outFile}, then {ClusterSweep.MergeCommand(results)}" : $"sbatch {outFile}, then {ClusterSweep.MergeCommand(results)}"));
        return ExitCodes.Ok;
    }

    /// <summary>The sweep file, refused when it has more points or runs than a sweep may have.</summary>
    private static SweepFile LoadChecked(string file)
    {
        var sweep = SweepFile.Load(file);
        long count = SweepPoint.Count(sweep);
        if (count > SweepPoint.MaxPoints)
            throw new InputException(file, 0, "parameters", $"{string.Join(" × ", sweep.Parameters.Select(p => p.Values.Count))} = {(count == long.MaxValue ? "too many" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} points; a sweep has at most {SweepPoint.MaxPoints:N0} (use fewer values, or combine: zip)");
        if (count * sweep.Replications > MaxRuns)
            throw new InputException(file, 0, "replications", $"{count:N0} points × {sweep.Replications:N0} replications = {count * sweep.Replications:N0} runs; a sweep has at most {MaxRuns:N0}");
        return sweep;
    }

    /// <summary>The most runs a sweep may have (points × replications): each leaves a file in runs/.</summary>
    public const long MaxRuns = 100_000;

    /// <summary>What the sweep keeps of a checked point: its seed, resolved scenario, its SHA-256, companion files and memory estimate.</summary>
    private sealed record CheckedPoint(ulong Seed, string Yaml, string Sha256, IReadOnlyList<(string Path, string Text)> Companions, long Bytes);

    /// <summary>
    /// Loads and checks the points in parallel (thousands of Services take a while to expand): the scenario, its
    /// profile and its memory estimate. The first bad point in order is reported.
    /// </summary>
    private static List<CheckedPoint> LoadPoints(SweepFile sweep, List<SweepPoint> points, int jobs, MemoryLimit memory, RunOptions options)
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
                ThreadsOption.Check(Name, options.Threads, s, options, $"point {points[i].Index} ({s.Name})");
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
