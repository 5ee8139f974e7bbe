using NetSim.Experiments;

namespace NetSim.Cli.Output;

/// <summary>
/// An output directory that appears all at once: files are written into a hidden temporary sibling, which
/// <see cref="Commit"/> renames into place. Until then the target is untouched, and a command that fails (bad
/// input, a crash) leaves nothing behind. A previous netsim output in the target is replaced; any other
/// non-empty directory is refused, so --out can never wipe unrelated files.
/// </summary>
public sealed class StagedDirectory : IDisposable
{
    /// <summary>Written into every output directory: the command that made it (and the mark that netsim owns it).</summary>
    public const string MarkerFile = "command.txt";

    private readonly string _target;
    private readonly string _staging;
    private bool _committed;

    private StagedDirectory(string target)
    {
        _target = target;
        string parent = System.IO.Path.GetDirectoryName(target) ?? ".";
        _staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(target)}.netsim-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    /// <summary>Checks --out before anything runs; null when no --out was given. Creates nothing yet.</summary>
    public static StagedDirectory? Open(string? path, string command)
    {
        if (path is null) return null;
        if (path.Trim().Length == 0) throw CommandInputError.Of(command, "--out needs a directory");
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (System.IO.File.Exists(full)) throw CommandInputError.Of(command, $"--out {path} is a file, not a directory");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !System.IO.File.Exists(System.IO.Path.Combine(full, MarkerFile)))
            throw CommandInputError.Of(command, $"--out {path} exists and is not a netsim output; choose a new or empty directory");
        if (System.IO.Path.GetDirectoryName(full) is null) throw CommandInputError.Of(command, $"--out {path} cannot be a root directory");
        return new StagedDirectory(full);
    }

    /// <summary>The final directory (where the files will be after <see cref="Commit"/>).</summary>
    public string Target => _target;

    /// <summary>The staging directory to write into (created on first use).</summary>
    public string Path
    {
        get
        {
            Directory.CreateDirectory(_staging);
            return _staging;
        }
    }

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A sub-directory of the staging directory (created).</summary>
    public string SubDirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    /// <summary>Writes the marker (the command line and version) and renames the staging directory into place.</summary>
    public void Commit(string commandLine)
    {
        System.IO.File.WriteAllText(FilePath(MarkerFile), $"{commandLine}\nnetsim {Program.Version}\n");
        if (Directory.Exists(_target)) Directory.Delete(_target, recursive: true);
        Directory.Move(_staging, _target);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
