using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetSim.Bench;

/// <summary>
/// CPU time consumed by the calling thread, in nanoseconds. On a shared machine wall time also counts the time
/// other processes hold the core; thread CPU time does not. Linux/macOS only (clock_gettime); elsewhere it falls
/// back to wall time and says so.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    public static bool IsThreadCpuTime => OperatingSystem.IsLinux();

    public static long NowNanoseconds()
    {
        if (!IsThreadCpuTime) return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
        if (clock_gettime(ClockThreadCpuTimeId, out TimeSpec ts) != 0) throw new InvalidOperationException("clock_gettime failed");
        return (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);
}
