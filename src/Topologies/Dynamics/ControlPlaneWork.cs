using NetSim.Engine.Core;
using NetSim.Engine.Cpu;
using NetSim.Topologies.Build;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// A CPU-bound control-plane task on one node (kube-proxy's iptables-restore or nft transaction, an agent's ipset and
/// map writes): a process on the core the scheduler would give a new task (the one with the fewest application
/// threads), run in time slices booked on that core one after another. Softirq work queued on the core goes first
/// (softirq pre-empts a process); application threads' work takes turns with the slices. So a long sync shows in the
/// node's CPU, delays packets on its core by up to a slice, and is itself stretched when the core is busy. The core's
/// FIFO cannot pre-empt a slice already running, so softirq work arriving during one waits for its end where a real
/// softirq would pre-empt at once: an upper bound on that delay, the right order for application threads under EEVDF.
/// </summary>
internal static class ControlPlaneWork
{
    /// <summary>Runs <paramref name="work"/> of CPU on <paramref name="node"/> from now; <paramref name="done"/> runs when its last slice ends.</summary>
    public static void Run(ClusterDynamics dynamics, BuiltNode node, SimTime work, SimTime slice, Action done)
    {
        var cpu = node.Context.Cpu;
        var core = cpu[cpu.Scheduler.LeastLoaded()];
        Step(dynamics, core, work.Picoseconds, Math.Max(1, slice.Picoseconds), done, -1);
    }

    private static void Step(ClusterDynamics dynamics, CpuCore core, long remainingPs, long slicePs, Action done, long deferredAt)
    {
        long now = dynamics.Now.Picoseconds;
        if (remainingPs <= 0)
        {
            dynamics.After(SimTime.Zero, done);
            return;
        }
        // Softirq pre-empts a process: while the core has softirq work queued, the next slice waits for it; work ending
        // just now may be a packet between two hops, so the slice lets this instant's events book first.
        if (core.SoftirqBusyUntil > now || (core.BusyUntil == now && deferredAt != now))
        {
            long at = Math.Max(now, core.SoftirqBusyUntil);
            dynamics.After(SimTime.FromPicoseconds(at - now), () => Step(dynamics, core, remainingPs, slicePs, done, at));
            return;
        }
        long chunk = Math.Min(remainingPs, slicePs);
        long finish = core.Execute(now, chunk, CpuContext.Process, out _);
        long left = remainingPs - chunk;
        dynamics.After(SimTime.FromPicoseconds(finish - now), left > 0 ? () => Step(dynamics, core, left, slicePs, done, -1) : done);
    }
}
