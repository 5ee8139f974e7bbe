namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// One work_struct of a WireGuard device bound to a CPU: a crypt worker's per-CPU work (multicore_worker) or a
/// peer's transmit work (transmit_packet_work on its serial CPU). <see cref="WireGuardWorkerPool"/> runs it one
/// packet at a time; its worker says what one step does. Allocated when the device or peer is made, never per packet.
/// </summary>
public sealed class WireGuardWork
{
    public WireGuardWork(IWireGuardWorker worker, int cpu, WireGuardPeer? peer = null)
    {
        Worker = worker;
        Cpu = cpu;
        Peer = peer;
    }

    public IWireGuardWorker Worker { get; }
    /// <summary>The CPU queue_work_on binds it to.</summary>
    public int Cpu { get; }
    /// <summary>The peer of a transmit work; null for a crypt worker's.</summary>
    public WireGuardPeer? Peer { get; }
    public WireGuardWorkState State { get; set; }
    /// <summary>The next work in its CPU's worklist (an intrusive list: queueing allocates nothing).</summary>
    public WireGuardWork? Next { get; set; }
    /// <summary>Steps (packets) it has run.</summary>
    public long Steps { get; set; }
    /// <summary>CPU time it has had, as CFS's vruntime (all kworkers have the same weight): the least goes next.</summary>
    public long VruntimePs { get; set; }
}

/// <summary>Where a <see cref="WireGuardWork"/> is: asleep, woken for a later moment, waiting for its CPU, or on it.</summary>
public enum WireGuardWorkState
{
    Idle,
    Waking,
    Queued,
    Running,
}

/// <summary>What a WireGuard kworker does: one step (one packet's work booked on the CPU) and what follows when it ends.</summary>
public interface IWireGuardWorker
{
    /// <summary>Books the next packet's work for <paramref name="work"/> at <paramref name="now"/>; returns when it ends, or -1 when there is nothing to do.</summary>
    long Run(WireGuardWork work, long now);

    /// <summary>The step booked by the last <see cref="Run"/> of <paramref name="work"/> has ended.</summary>
    void Ran(WireGuardWork work, long now);
}
