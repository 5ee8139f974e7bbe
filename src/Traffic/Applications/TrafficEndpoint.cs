using NetSim.Engine.Addressing;
using NetSim.Traffic.Transport;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Where an application runs: a namespace's sockets and the address others reach it at. Its threads run where the
/// node's scheduler puts them, or on <paramref name="PinnedCore"/> when it is pinned (taskset).
/// </summary>
public sealed record TrafficEndpoint(string Name, TransportLayer Transport, Ipv4Address Address, int? PinnedCore = null)
{
    /// <summary>Starts a thread of this application: the core it runs on.</summary>
    public int StartThread()
    {
        var scheduler = Transport.Namespace.Node.Cpu.Scheduler;
        return PinnedCore is int core ? scheduler.PinThread(core) : scheduler.PlaceThread();
    }

    /// <summary>
    /// The core of a thread that mostly sleeps (a server's accept loop): where a new thread would go, without
    /// adding to that core's load, since the scheduler balances runnable tasks.
    /// </summary>
    public int SleepingThread() => PinnedCore ?? Transport.Namespace.Node.Cpu.Scheduler.LeastLoaded();

    /// <summary>
    /// A thread of this application exits from <paramref name="core"/>: the core it is on now (its socket's, after the
    /// scheduler moved it with its wakeups), not the one it started on, or the count leaks onto the core it moved to.
    /// </summary>
    public void EndThread(int core) => Transport.Namespace.Node.Cpu.Scheduler.Exit(core);
}
