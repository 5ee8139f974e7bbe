using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// A sweep's directory, written as it goes so that nothing finished is ever lost, whenever the sweep is killed:
/// manifest.csv (every planned run, written first and whole), points/point-NNNN.yaml (each point's resolved
/// scenario, its conflist under points/cni/), runs/run-NNNNN.csv (one file per finished run, renamed into place
/// whole and ending in its own SHA-256, so a damaged or truncated file is found and run again), and at the end
/// sweep.csv and charts. A shard (--shard I/N) writes the same for its points, plus shard.csv after the manifest.
/// An interrupted sweep resumes (--resume) by running only the runs without a whole file;
/// temporary files a kill left are removed.
/// </summary>
public sealed class SweepStore
{
    public const string ManifestFile = "manifest.csv";

    private readonly string _manifestText;

    private SweepStore(string dir, IReadOnlyList<SweepPlanRow> plan, string manifestText)
    {
        Directory = dir;
        Plan = plan;
        _manifestText = manifestText;
    }

    public string Directory { get; }
    public IReadOnlyList<SweepPlanRow> Plan { get; }

    /// <summary>What a sweep directory holds; a directory with only these (and no manifest) is a sweep killed before it began.</summary>
    private static readonly string[] Layout = ["runs", "points", "cni", "sweep.yaml", ManifestFile, ShardManifest.FileName, "sweep.csv", "charts"];

    /// <summary>
    /// Checks DIR against the plan before anything runs: a new or empty directory, a sweep killed before its manifest
    /// was written (it had run nothing: it is started again), or (with --resume) the same sweep.
    /// </summary>
    public static SweepStore Open(string command, string dir, IReadOnlyList<SweepPlanRow> plan, bool resume)
    {
        string full = Path.GetFullPath(dir);
        string manifest = ManifestText(plan);
        string existing = Path.Combine(full, ManifestFile);
        if (File.Exists(existing))
        {
            if (!resume) throw CommandInputError.Of(command, $"--out {dir} holds a sweep already; pass --resume to continue it, or choose another --out");
            if (File.ReadAllText(existing) != manifest)
                throw CommandInputError.Of(command, $"--out {dir} holds a different sweep (the sweep file, the scenario, a parameter or --exact-costs changed since it started); choose another --out");
        }
        else if (File.Exists(full))
        {
            throw CommandInputError.Of(command, $"--out {dir} is a file, not a directory");
        }
        else if (System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any(e => !IsSweepEntry(e)))
        {
            throw CommandInputError.Of(command, $"--out {dir} exists and is not a netsim sweep; choose a new or empty directory");
        }
        return new SweepStore(full, plan, manifest);
    }

    /// <summary>manifest.csv's text for <paramref name="plan"/>.</summary>
    public static string ManifestText(IEnumerable<SweepPlanRow> plan)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, plan);
        return text.ToString();
    }

    private static bool IsSweepEntry(string path)
    {
        string name = Path.GetFileName(path);
        return Layout.Contains(name, StringComparer.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal);
    }

    /// <summary>
    /// Creates the directory and writes the manifest first (from then on DIR is this sweep, whenever it is killed),
    /// then a shard's shard.csv, the sweep file and each point's scenario and companion files; removes what a killed
    /// sweep left half-written.
    /// </summary>
    public void Begin(string sweepYaml, IReadOnlyList<(int Point, string Yaml)> pointYaml, IReadOnlyList<(string Path, string Text)> companions, ShardManifest? shard = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!File.Exists(Path.Combine(Directory, ManifestFile)))
            foreach (string leftover in Layout.Select(d => Path.Combine(Directory, d)).Where(System.IO.Directory.Exists))
                System.IO.Directory.Delete(leftover, recursive: true); // a sweep killed before it began ran nothing
        WriteWhole(Path.Combine(Directory, ManifestFile), _manifestText);
        if (shard is not null) shard.Write(Directory);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "runs"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "points"));
        foreach (string dir in new[] { Directory, Path.Combine(Directory, "runs"), Path.Combine(Directory, "points") })
            foreach (string stale in System.IO.Directory.GetFiles(dir, "*.tmp")) File.Delete(stale); // left by a killed sweep
        WriteWhole(Path.Combine(Directory, "sweep.yaml"), sweepYaml);
        foreach (var (point, yaml) in pointYaml) WriteWhole(Path.Combine(Directory, "points", PointFile(point)), yaml);
        // The points' conflists, where points/point-NNNN.yaml looks for them (points/cni/NAME).
        foreach (var (path, text) in companions)
        {
            string full = Path.Combine(Directory, "points", path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            WriteWhole(full, text);
        }
    }

    public static string RunFile(int run) => $"runs/run-{run:D5}.csv";

    public static string PointFile(int point) => $"point-{point:D4}.yaml";

    /// <summary>The last line of every run file: the SHA-256 of the lines before it.</summary>
    private const string ChecksumPrefix = "# sha256 ";

    /// <summary>A run is done when its file is whole: present and matching its checksum (a damaged or truncated file is not).</summary>
    public bool IsDone(SweepPlanRow run) => ReadVerified(run) is not null;

    /// <summary>Runs whose file exists but is damaged (a checksum that does not match, truncated, emptied): removed, to be run again.</summary>
    public List<SweepPlanRow> RemoveDamaged()
    {
        var damaged = Plan.Where(r => File.Exists(Path.Combine(Directory, r.File)) && ReadVerified(r) is null).ToList();
        foreach (var r in damaged) File.Delete(Path.Combine(Directory, r.File));
        return damaged;
    }

    public void Save(SweepPlanRow run, IEnumerable<SweepRunRow> rows)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, rows);
        SaveText(run, text.ToString());
    }

    /// <summary>Saves a run's CSV text (a run file's body, as another sweep directory holds it) whole, with its checksum.</summary>
    public void SaveText(SweepPlanRow run, string body) => WriteWhole(Path.Combine(Directory, run.File), body + ChecksumPrefix + Sha256(body) + "\n");

    public List<SweepRunRow> Load(SweepPlanRow run) =>
        CsvTable.Read<SweepRunRow>(new StringReader(ReadVerified(run) ?? throw new InvalidDataException($"{run.File} is missing or damaged")));

    private string? ReadVerified(SweepPlanRow run) => ReadVerified(Directory, run);

    /// <summary>The CSV text of <paramref name="run"/>'s file in sweep directory <paramref name="dir"/> when it is whole, else null.</summary>
    public static string? ReadVerified(string dir, SweepPlanRow run)
    {
        string path = Path.Combine(dir, run.File);
        if (!File.Exists(path)) return null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        if (!text.EndsWith('\n')) return null;
        int last = text.LastIndexOf('\n', text.Length - 2) + 1;
        string line = text[last..^1];
        string body = text[..last];
        return line.StartsWith(ChecksumPrefix, StringComparison.Ordinal) && line[ChecksumPrefix.Length..] == Sha256(body) && body.Length > 0 ? body : null;
    }

    public static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Writes to a temporary file and renames it over <paramref name="path"/>: readers see the old file or the whole new one.</summary>
    public static void WriteWhole(string path, string text)
    {
        string tmp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }
}
