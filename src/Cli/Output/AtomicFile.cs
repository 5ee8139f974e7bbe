using System.Text;

namespace NetSim.Cli.Output;

/// <summary>
/// A single output file that appears whole: written to a hidden temporary sibling, then renamed over the target,
/// so a failed command never leaves a half-written file (the one-file counterpart of <see cref="StagedDirectory"/>).
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.netsim-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
