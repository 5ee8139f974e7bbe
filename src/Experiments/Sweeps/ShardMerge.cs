using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// netsim sweep merge: the shards of one sweep (--shard 0/N ... N-1/N, each in its own directory) put back together
/// as the directory one machine would have written: the whole manifest, the sweep file, every point's scenario and
/// every run file, byte for byte. Shards that do not make one whole sweep are refused before anything is written:
/// another sweep file, scenario, costs or version; a shard given twice; a shard missing; a run not finished.
/// </summary>
public static class ShardMerge
{
    /// <summary>The checked shards: the whole plan (in run order) and where each run's and point's files are.</summary>
    public sealed record Shards(ShardManifest Manifest, string SweepYaml, IReadOnlyList<SweepPlanRow> Plan, IReadOnlyDictionary<int, string> RunDirectory,
        IReadOnlyList<(int Point, string Yaml)> PointYaml, IReadOnlyList<(string Path, string Text)> Companions);

    /// <summary>Reads and checks <paramref name="dirs"/>; bad input (one line naming the shard and what is wrong) when they are not one whole sweep.</summary>
    public static Shards Read(string command, IReadOnlyList<string> dirs)
    {
        if (dirs.Count == 0) throw CommandInputError.Of(command, "merge needs the shard directories: netsim sweep merge DIR... --out DIR");
        foreach (string d in dirs)
            if (!Directory.Exists(d)) throw CommandInputError.Of(command, $"merge: {d} is not a directory");
        var manifests = dirs.Select(d => ShardManifest.Read(command, d)).ToList();
        var first = manifests[0];
        for (int i = 1; i < dirs.Count; i++) Same(command, dirs[0], first, dirs[i], manifests[i]);

        var dirOf = new Dictionary<int, string>();
        for (int i = 0; i < dirs.Count; i++)
            if (!dirOf.TryAdd(manifests[i].Shard, dirs[i]))
                throw CommandInputError.Of(command, $"merge: shard {manifests[i].Slice()} is given twice ({dirOf[manifests[i].Shard]} and {dirs[i]}): its points would be counted twice");
        var missing = Enumerable.Range(0, first.Shards).Where(s => !dirOf.ContainsKey(s)).ToList();
        if (missing.Count > 0)
            throw CommandInputError.Of(command, $"merge: {(missing.Count == 1 ? "shard" : "shards")} {string.Join(", ", missing.Take(10).Select(s => new SweepShard(s, first.Shards).ToString()))}{(missing.Count > 10 ? ", ..." : "")} of the sweep {(missing.Count == 1 ? "is" : "are")} missing ({dirs.Count} of {first.Shards} given)");

        string sweepYaml = File.ReadAllText(Path.Combine(dirs[0], "sweep.yaml"));
        var plan = new List<SweepPlanRow>();
        var runDir = new Dictionary<int, string>();
        var pointYaml = new List<(int, string)>();
        var companions = new SortedDictionary<string, (string Text, string Dir)>(StringComparer.Ordinal);
        foreach (var (shard, dir) in dirOf.OrderBy(kv => kv.Key))
        {
            var slice = new SweepShard(shard, first.Shards);
            if (!File.Exists(Path.Combine(dir, "sweep.yaml")) || SweepStore.Sha256(File.ReadAllText(Path.Combine(dir, "sweep.yaml"))) != first.SweepSha256)
                throw CommandInputError.Of(command, $"merge: {dir}/sweep.yaml is missing or not the sweep file {ShardManifest.FileName} names (sha256 {first.SweepSha256})");
            var rows = ReadPlan(command, dir, slice, first);
            var unfinished = rows.Where(r => SweepStore.ReadVerified(dir, r) is null).ToList();
            if (unfinished.Count > 0)
                throw CommandInputError.Of(command, $"merge: shard {slice} ({dir}) is incomplete: {unfinished.Count} of {rows.Count} runs have no whole file (first: {unfinished[0].File}); finish it with 'netsim sweep SWEEP --shard {slice} --out {dir} --resume'");
            plan.AddRange(rows);
            foreach (var r in rows) runDir[r.Run] = dir;
            foreach (int p in slice.Points(first.Points))
            {
                string file = Path.Combine(dir, "points", SweepStore.PointFile(p));
                if (!File.Exists(file)) throw CommandInputError.Of(command, $"merge: shard {slice} ({dir}) has no points/{SweepStore.PointFile(p)}");
                pointYaml.Add((p, File.ReadAllText(file)));
            }
            foreach (var (path, text) in Companions(dir))
            {
                if (companions.TryGetValue(path, out var seen) && seen.Text != text)
                    throw CommandInputError.Of(command, $"merge: points/{path} differs between {seen.Dir} and {dir}: the shards did not run the same scenario files");
                companions[path] = (text, dir);
            }
        }
        plan.Sort((a, b) => a.Run.CompareTo(b.Run));
        pointYaml.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return new Shards(first, sweepYaml, plan, runDir, pointYaml, companions.Select(c => (c.Key, c.Value.Text)).ToList());
    }

    /// <summary>Writes the merged sweep into <paramref name="store"/> (opened on the whole plan): manifest first, then the files, then every run.</summary>
    public static void Write(Shards shards, SweepStore store)
    {
        store.Begin(shards.SweepYaml, shards.PointYaml, shards.Companions);
        foreach (var run in shards.Plan)
            store.SaveText(run, SweepStore.ReadVerified(shards.RunDirectory[run.Run], run) ?? throw new InvalidDataException($"{run.File} changed while merging"));
    }

    private static void Same(string command, string firstDir, ShardManifest a, string dir, ShardManifest b)
    {
        string? what = a.SweepSha256 != b.SweepSha256 ? $"sweep file (sha256 {Short(a.SweepSha256)} in {firstDir}, {Short(b.SweepSha256)} in {dir})"
            : a.ScenarioSha256 != b.ScenarioSha256 ? $"scenario file (sha256 {Short(a.ScenarioSha256)} in {firstDir}, {Short(b.ScenarioSha256)} in {dir})"
            : a.Shards != b.Shards ? $"number of shards ({a.Shards} in {firstDir}, {b.Shards} in {dir})"
            : a.Points != b.Points || a.Replications != b.Replications ? $"size ({a.Points} points × {a.Replications} in {firstDir}, {b.Points} × {b.Replications} in {dir})"
            : a.Costs != b.Costs ? $"costs ({a.Costs} in {firstDir}, {b.Costs} in {dir}: --exact-costs on one only)"
            : a.Version != b.Version ? $"netsim version ({a.Version} in {firstDir}, {b.Version} in {dir})"
            : null;
        if (what is not null) throw CommandInputError.Of(command, $"merge: {dir} is a shard of another sweep: different {what}");
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    /// <summary>The shard's manifest.csv, which must plan exactly its points' runs (every replication of each).</summary>
    private static List<SweepPlanRow> ReadPlan(string command, string dir, SweepShard slice, ShardManifest m)
    {
        string path = Path.Combine(dir, SweepStore.ManifestFile);
        List<SweepPlanRow> rows;
        try
        {
            rows = File.Exists(path) ? CsvTable.Read<SweepPlanRow>(path) : throw new FileNotFoundException(path);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidCastException or OverflowException or System.Reflection.TargetInvocationException)
        {
            throw CommandInputError.Of(command, $"merge: {path} is missing or damaged");
        }
        var expected = slice.Points(m.Points).SelectMany(p => Enumerable.Range(0, m.Replications).Select(r => (Run: (p * m.Replications) + r, Point: p, Replication: r))).ToList();
        if (rows.Count != expected.Count || rows.Zip(expected).Any(x => x.First.Run != x.Second.Run || x.First.Point != x.Second.Point || x.First.Replication != x.Second.Replication
                                                                   || x.First.File != SweepStore.RunFile(x.First.Run) || x.First.Costs != m.Costs))
            throw CommandInputError.Of(command, $"merge: {path} does not plan shard {slice}'s runs ({expected.Count} runs of points {slice.Index}, {slice.Index + slice.Count}, ...)");
        return rows;
    }

    /// <summary>Every file under DIR/points except the points' scenarios: the conflists they name (points/cni/...).</summary>
    private static IEnumerable<(string Path, string Text)> Companions(string dir)
    {
        string points = Path.Combine(dir, "points");
        if (!Directory.Exists(points)) yield break;
        foreach (string f in Directory.EnumerateFiles(points, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string rel = Path.GetRelativePath(points, f).Replace('\\', '/');
            if (rel.EndsWith(".tmp", StringComparison.Ordinal) || (!rel.Contains('/', StringComparison.Ordinal) && rel.StartsWith("point-", StringComparison.Ordinal))) continue;
            yield return (rel, File.ReadAllText(f));
        }
    }
}
