using System.Runtime.InteropServices;

namespace NetSim.Testbed;

/// <summary>
/// setns(2) and sched_setaffinity(2) for one thread: a thread that enters a named network namespace (ip netns's
/// /run/netns/NAME) creates its sockets there, and a thread pinned to a core runs only on it. Neither call affects
/// the rest of the process.
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

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint cpusetsize, ref ulong mask);
}
