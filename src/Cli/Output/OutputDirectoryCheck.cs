using NetSim.Experiments;

namespace NetSim.Cli.Output;

/// <summary>
/// Everything about --out that can be known before a run, checked before it: a usable name, not a file, not under
/// a file, not a root, not a folder holding the command's own input (committing the output replaces the folder),
/// and writable (the staging directory is created and removed once, so a read-only or full file system, a missing
/// permission or a name too long is found now, not after the simulation).
/// </summary>
public static class OutputDirectoryCheck
{
    /// <summary>The full path of <paramref name="path"/> once checked; bad input otherwise.</summary>
    public static string Check(string command, string path, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(inputs);
        if (path.Trim().Length == 0) throw CommandInputError.Of(command, "--out needs a directory");
        if (path.Any(char.IsControl)) throw CommandInputError.Of(command, "--out: a directory name cannot contain control characters");
        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw CommandInputError.Of(command, $"--out {path}: {e.Message}");
        }
        if (Path.GetDirectoryName(full) is null) throw CommandInputError.Of(command, $"--out {path} cannot be a root directory");
        if (File.Exists(full)) throw CommandInputError.Of(command, $"--out {path} is a file, not a directory");
        for (string? up = Path.GetDirectoryName(full); up is not null && !Directory.Exists(up); up = Path.GetDirectoryName(up))
            if (File.Exists(up)) throw CommandInputError.Of(command, $"--out {path}: {up} is a file, so no directory can be made under it");
        foreach (string input in inputs)
        {
            string f = Path.GetFullPath(input);
            if (f.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw CommandInputError.Of(command, $"--out {path} holds the input {input}: the results would replace it; choose another directory");
        }
        return full;
    }

    /// <summary>Creates and removes <paramref name="probe"/> (the staging directory's own name): the write the run will need.</summary>
    public static void ProbeWritable(string command, string path, string probe, string? existingTarget)
    {
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            if (existingTarget is not null)
            {
                // The target is replaced when the results are committed: its entries must be deletable.
                string inside = Path.Combine(existingTarget, $".netsim-probe-{Environment.ProcessId}");
                Directory.CreateDirectory(inside);
                Directory.Delete(inside);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CommandInputError.Of(command, $"--out {path} is not writable: {e.Message}");
        }
    }
}
