using System.Runtime.InteropServices;

namespace NetSim.Testbed;

/// <summary>
/// setns(2), sched_setaffinity(2) and setpriority(2) for one thread: a thread that enters a named network namespace
/// (ip netns's /run/netns/NAME) creates its sockets there, a thread pinned to a core runs only on it, and a reniced
/// thread outweighs the process's other threads. None of the calls affects the rest of the process.
/// </summary>
internal static partial class LinuxNetns
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Moves the calling thread into network namespace <paramref name="name"/>.</summary>
    public static void Enter(string name)
    {
        using var handle = File.OpenHandle(Path.Combine("/run/netns", name), FileMode.Open, FileAccess.Read);
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            throw new TestbedException($"setns into {name} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Pins the calling thread to one core.</summary>
    public static void PinTo(int core)
    {
        ulong mask = 1UL << core;
        if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
            throw new TestbedException($"sched_setaffinity to core {core} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Gives the calling thread scheduling weight <paramref name="nice"/> (setpriority on its thread id; nice is per thread on Linux).</summary>
    public static void Renice(int nice)
    {
        if (SetPriority(0 /* PRIO_PROCESS */, GetTid(), nice) != 0)
            throw new TestbedException($"setpriority to nice {nice} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpusetsize, ref ulong mask);
}
