using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// Raises the autogroup of this process's session (sched(7): /proc/self/autogroup) to a nice value while the
/// in-process connect probe runs, and gives the old value back after. With autogroups on, every session gets an equal
/// share of a core whatever its tasks' nice, so a probe thread left in an ordinary session waits behind other
/// sessions' work; the benchmark processes get the same weight from <see cref="CpuPinning"/>. Where the kernel has
/// no autogroups (or refuses the write), nothing changes.
/// </summary>
public sealed class AutogroupBoost : IDisposable
{
    private const string File = "/proc/self/autogroup";
    private readonly int? _old;

    public AutogroupBoost(int nice)
    {
        _old = Current();
        if (_old is not null && !Write(nice)) _old = null;
    }

    public void Dispose()
    {
        if (_old is int old) Write(old);
    }

    /// <summary>The session's autogroup nice ("/autogroup-64 nice 0"), or null without autogroups.</summary>
    private static int? Current()
    {
        try
        {
            string[] words = System.IO.File.ReadAllText(File).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return words.Length == 3 && int.TryParse(words[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Write(int nice)
    {
        try
        {
            System.IO.File.WriteAllText(File, nice.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
