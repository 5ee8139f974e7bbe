using NetSim.Engine.Core;
using NetSim.Engine.Cpu;
using NetSim.Topologies.Build;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// A CPU-bound control-plane task on one node (kube-proxy's iptables-restore or nft transaction, an agent's ipset and
/// map writes): a process on the core the scheduler would give a new task (the one with the fewest application
/// threads), run in time slices booked on that core one after another. Softirq work queued on the core goes first,
/// and softirq work arriving during a slice pre-empts it (<see cref="CpuCore.RunSlice"/>): the slice ends later by that
/// work, up to the kernel's limit on softirq in a row, after which ksoftirqd and the task take turns. Application
/// threads' work takes turns with the slices (EEVDF). So a long sync shows in the node's CPU, hardly delays packets on
/// its core, and is itself stretched when the core is busy.
/// </summary>
internal static class ControlPlaneWork
{
    /// <summary>Runs <paramref name="work"/> of CPU on <paramref name="node"/> from now; <paramref name="done"/> runs when its last slice ends.</summary>
    public static void Run(ClusterDynamics dynamics, BuiltNode node, SimTime work, SimTime slice, Action done)
    {
        var cpu = node.Context.Cpu;
        var core = cpu[cpu.Scheduler.LeastLoaded()];
        Step(dynamics, core, new ProcessSlice(), work.Picoseconds, Math.Max(1, slice.Picoseconds), done, -1);
    }

    private static void Step(ClusterDynamics dynamics, CpuCore core, ProcessSlice slice, long remainingPs, long slicePs, Action done, long deferredAt)
    {
        long now = dynamics.Now.Picoseconds;
        if (remainingPs <= 0)
        {
            dynamics.After(SimTime.Zero, done);
            return;
        }
        // Softirq pre-empts a process: while the core has softirq work queued, the next slice waits for it (unless it
        // went to ksoftirqd, a thread that takes turns); work ending just now may be a packet between two hops, so the
        // slice lets this instant's events book first.
        bool softirqFirst = core.SoftirqBusyUntil > now && !core.SoftirqDeferred(now);
        if (softirqFirst || (core.BusyUntil == now && deferredAt != now))
        {
            long at = Math.Max(now, softirqFirst ? core.SoftirqBusyUntil : now);
            dynamics.After(SimTime.FromPicoseconds(at - now), () => Step(dynamics, core, slice, remainingPs, slicePs, done, at));
            return;
        }
        long chunk = Math.Min(remainingPs, slicePs);
        core.RunSlice(now, chunk, slice);
        long left = remainingPs - chunk;
        AtSliceEnd(dynamics, slice, left > 0 ? () => Step(dynamics, core, slice, left, slicePs, done, -1) : done);
    }

    /// <summary>Runs <paramref name="next"/> when <paramref name="slice"/> ends, waiting again while softirq work pushes its end later.</summary>
    private static void AtSliceEnd(ClusterDynamics dynamics, ProcessSlice slice, Action next)
    {
        long now = dynamics.Now.Picoseconds;
        if (slice.End > now) dynamics.After(SimTime.FromPicoseconds(slice.End - now), () => AtSliceEnd(dynamics, slice, next));
        else next();
    }
}
