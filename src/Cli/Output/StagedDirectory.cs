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

    /// <summary>
    /// Checks --out before anything runs (<see cref="OutputDirectoryCheck"/>); null when no --out was given. Leaves
    /// nothing behind: the write test creates and removes the staging directory, which is made again when used.
    /// </summary>
    /// <param name="inputs">The command's input files: --out may not be a folder holding one (it would be replaced).</param>
    public static StagedDirectory? Open(string? path, string command, params string[] inputs)
    {
        if (path is null) return null;
        string full = OutputDirectoryCheck.Check(command, path, inputs);
        bool exists = Directory.Exists(full);
        if (exists && Directory.EnumerateFileSystemEntries(full).Any() && !System.IO.File.Exists(System.IO.Path.Combine(full, MarkerFile)))
            throw CommandInputError.Of(command, $"--out {path} exists and is not a netsim output; choose a new or empty directory");
        var staged = new StagedDirectory(full);
        staged.RemoveStale();
        OutputDirectoryCheck.ProbeWritable(command, path, staged._staging, exists ? full : null);
        return staged;
    }

    /// <summary>Staging directories of this target left by a netsim that was killed (its process is gone).</summary>
    private void RemoveStale()
    {
        string parent = System.IO.Path.GetDirectoryName(_target)!;
        if (!Directory.Exists(parent)) return;
        string prefix = $".{System.IO.Path.GetFileName(_target)}.netsim-tmp-";
        foreach (string dir in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            string rest = System.IO.Path.GetFileName(dir)[prefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && !IsRunning(pid))
                TryDelete(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Another netsim may be removing it too; a leftover is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to remove.
        }
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
