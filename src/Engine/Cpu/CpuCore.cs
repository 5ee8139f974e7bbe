namespace NetSim.Engine.Cpu;

/// <summary>
/// One CPU core as a non-preemptive FIFO server: work submitted while the core is busy waits until the work
/// before it finishes. So a saturated core limits throughput and adds queueing latency, as on a real node.
/// Work is booked when it is submitted; everything booked up to a moment runs back to back from then on, so the
/// time the core has actually been busy up to any moment follows exactly (<see cref="BusyThrough"/>).
/// </summary>
public sealed class CpuCore
{
    private long _busyUntil;
    private long _softirqUntil;

    public CpuCore(int index) => Index = index;

    public int Index { get; }
    /// <summary>Total picoseconds of work booked (executed or still queued).</summary>
    public long BusyPs { get; private set; }
    public long WorkItems { get; private set; }
    /// <summary>When the last queued work finishes.</summary>
    public long BusyUntil => _busyUntil;
    /// <summary>
    /// When the last queued softirq work finishes. A NAPI poll waits for softirq work before it, not for a thread's
    /// system call: softirq pre-empts process context, so a busy reader does not hold off its own receive path.
    /// </summary>
    public long SoftirqBusyUntil => _softirqUntil;
    /// <summary>Picoseconds of work booked in process context (system calls, copies); the rest is softirq.</summary>
    public long ProcessPs { get; private set; }
    /// <summary>The longest backlog ever booked: how far past the moment of booking the core's queued work reached.</summary>
    public long MaxBacklogPs { get; private set; }

    /// <summary>
    /// Queues <paramref name="workPs"/> of work at time <paramref name="now"/>; returns when it finishes and, in
    /// <paramref name="waitedPs"/>, how long it waited for the core.
    /// </summary>
    public long Execute(long now, long workPs, out long waitedPs) => Execute(now, workPs, CpuContext.Softirq, out waitedPs);

    /// <summary>As <see cref="Execute(long, long, out long)"/>, for work in <paramref name="context"/>.</summary>
    public long Execute(long now, long workPs, CpuContext context, out long waitedPs)
    {
        long start = _busyUntil > now ? _busyUntil : now;
        waitedPs = start - now;
        _busyUntil = start + workPs;
        if (context == CpuContext.Softirq) _softirqUntil = _busyUntil;
        else ProcessPs += workPs;
        BusyPs += workPs;
        WorkItems++;
        long backlog = _busyUntil - now;
        if (backlog > MaxBacklogPs) MaxBacklogPs = backlog;
        return _busyUntil;
    }

    /// <summary>
    /// Picoseconds the core has been busy up to <paramref name="now"/> (not later than the present): the booked work
    /// minus what is still queued. Work booked by then forms one busy stretch from then on, so this is exact.
    /// </summary>
    public long BusyThrough(long now) => BusyPs - Math.Max(0, _busyUntil - now);

    /// <summary>Fraction of <paramref name="elapsedPs"/> (from time 0) the core was busy.</summary>
    public double Utilisation(long elapsedPs) => elapsedPs <= 0 ? 0 : BusyThrough(elapsedPs) / (double)elapsedPs;
}
