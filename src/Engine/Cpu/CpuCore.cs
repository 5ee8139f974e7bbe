namespace NetSim.Engine.Cpu;

/// <summary>
/// One CPU core as a non-preemptive FIFO server: work submitted while the core is busy waits until the work
/// before it finishes. So a saturated core limits throughput and adds queueing latency, as on a real node.
/// </summary>
public sealed class CpuCore
{
    private long _busyUntil;

    public CpuCore(int index) => Index = index;

    public int Index { get; }
    /// <summary>Total picoseconds of work executed (for utilisation).</summary>
    public long BusyPs { get; private set; }
    public long WorkItems { get; private set; }
    /// <summary>When the last queued work finishes.</summary>
    public long BusyUntil => _busyUntil;

    /// <summary>
    /// Queues <paramref name="workPs"/> of work at time <paramref name="now"/>; returns when it finishes and, in
    /// <paramref name="waitedPs"/>, how long it waited for the core.
    /// </summary>
    public long Execute(long now, long workPs, out long waitedPs)
    {
        long start = _busyUntil > now ? _busyUntil : now;
        waitedPs = start - now;
        _busyUntil = start + workPs;
        BusyPs += workPs;
        WorkItems++;
        return _busyUntil;
    }

    /// <summary>Fraction of <paramref name="elapsedPs"/> the core was busy.</summary>
    public double Utilisation(long elapsedPs) => elapsedPs <= 0 ? 0 : Math.Min(1.0, BusyPs / (double)elapsedPs);
}
