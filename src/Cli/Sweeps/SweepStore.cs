using NetSim.Experiments;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Sweeps;

/// <summary>
/// A sweep's directory, written as it goes so that nothing finished is ever lost: manifest.csv (every planned
/// run, written first), points/point-NNNN.yaml (each point's resolved scenario), runs/run-NNNNN.csv (one file per
/// finished run, renamed into place whole, so a file that exists is complete), and at the end sweep.csv and
/// charts. An interrupted sweep resumes (--resume) by running only the runs without a file.
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

    /// <summary>Checks DIR against the plan before anything runs: a new or empty directory, or (with --resume) the same sweep.</summary>
    public static SweepStore Open(string command, string dir, IReadOnlyList<SweepPlanRow> plan, bool resume)
    {
        string full = Path.GetFullPath(dir);
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, plan);
        string manifest = text.ToString();
        string existing = Path.Combine(full, ManifestFile);
        if (File.Exists(existing))
        {
            if (!resume) throw CommandInputError.Of(command, $"--out {dir} holds a sweep already; pass --resume to continue it, or choose another --out");
            if (File.ReadAllText(existing) != manifest)
                throw CommandInputError.Of(command, $"--out {dir} holds a different sweep (the sweep file, the scenario or a parameter changed since it started); choose another --out");
        }
        else if (File.Exists(full) || (System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any()))
        {
            throw CommandInputError.Of(command, $"--out {dir} exists and is not a netsim sweep; choose a new or empty directory");
        }
        return new SweepStore(full, plan, manifest);
    }

    /// <summary>Creates the directory and writes the manifest, the sweep file and each point's scenario (after all input is checked).</summary>
    public void Begin(string sweepYaml, IReadOnlyList<string> pointYaml)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "runs"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "points"));
        foreach (string stale in System.IO.Directory.GetFiles(Path.Combine(Directory, "runs"), "*.tmp")) File.Delete(stale); // left by a killed sweep
        WriteWhole(Path.Combine(Directory, "sweep.yaml"), sweepYaml);
        for (int i = 0; i < pointYaml.Count; i++) WriteWhole(Path.Combine(Directory, "points", PointFile(i)), pointYaml[i]);
        WriteWhole(Path.Combine(Directory, ManifestFile), _manifestText);
    }

    public static string RunFile(int run) => $"runs/run-{run:D5}.csv";

    public static string PointFile(int point) => $"point-{point:D4}.yaml";

    public bool IsDone(SweepPlanRow run) => File.Exists(Path.Combine(Directory, run.File));

    public void Save(SweepPlanRow run, IEnumerable<SweepRunRow> rows)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, rows);
        WriteWhole(Path.Combine(Directory, run.File), text.ToString());
    }

    public List<SweepRunRow> Load(SweepPlanRow run) => CsvTable.Read<SweepRunRow>(Path.Combine(Directory, run.File));

    /// <summary>Writes to a temporary file and renames it over <paramref name="path"/>: readers see the old file or the whole new one.</summary>
    public static void WriteWhole(string path, string text)
    {
        string tmp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }
}
