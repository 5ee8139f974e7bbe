namespace NetSim.Engine.Cpu;

/// <summary>
/// One CPU core as a FIFO server: work submitted while the core is busy waits until the work before it finishes. So a
/// saturated core limits throughput and adds queueing latency, as on a real node. Work is booked when it is submitted;
/// everything booked up to a moment runs back to back from then on, so the time the core has actually been busy up to
/// any moment follows exactly (<see cref="BusyThrough"/>). One exception: a process's time slice booked with
/// <see cref="RunSlice"/> (a control-plane task) is pre-empted by softirq work, as a hardirq's exit runs the pending
/// NET_RX softirq at once on Linux; after <see cref="MaxSoftirqTimePs"/> of softirq in a row the rest goes to
/// ksoftirqd, an ordinary thread that waits for the slice (kernel/softirq.c, __do_softirq and wakeup_softirqd).
/// </summary>
public sealed class CpuCore
{
    /// <summary>
    /// MAX_SOFTIRQ_TIME in kernel/softirq.c: __do_softirq stops restarting pending softirqs after msecs_to_jiffies(2)
    /// and wakes ksoftirqd (2 ms at HZ=1000).
    /// </summary>
    public const long MaxSoftirqTimePs = 2_000_000_000;

    private long _busyUntil;
    private long _softirqUntil;
    // Start of the current run of back-to-back softirq work: one __do_softirq invocation's elapsed time counts from it.
    private long _softirqRunStart;
    // The queued softirq work was handed to ksoftirqd: until it drains, new softirq work queues behind it.
    private bool _ksoftirqd;
    // The last process slice booked; pre-emptible while it is the last work on the core.
    private ProcessSlice? _slice;

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
        bool handOff = false;
        if (context == CpuContext.Softirq && _slice is not null && TryPreempt(now, workPs, out handOff) is long end)
        {
            waitedPs = end - workPs - now;
            return end;
        }
        long start = _busyUntil > now ? _busyUntil : now;
        waitedPs = start - now;
        _busyUntil = start + workPs;
        if (context == CpuContext.Softirq) BookSoftirq(now, start, handOff);
        else ProcessPs += workPs;
        Account(now, workPs);
        return _busyUntil;
    }

    /// <summary>
    /// Books one time slice of a process (<paramref name="workPs"/> of CPU) after the work queued on the core. Softirq
    /// work arriving while it is the last work queued pre-empts it: <paramref name="slice"/>'s end moves later by that
    /// work. Returns the slice's end as booked.
    /// </summary>
    public long RunSlice(long now, long workPs, ProcessSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        long end = Execute(now, workPs, CpuContext.Process, out long waited);
        slice.Start = now + waited;
        slice.End = end;
        slice.PreemptedPs = 0;
        _slice = slice;
        return end;
    }

    /// <summary>True while the softirq work queued on the core was handed to ksoftirqd and has not drained by <paramref name="now"/>.</summary>
    public bool SoftirqDeferred(long now) => _ksoftirqd && _softirqUntil > now;

    /// <summary>
    /// Softirq work at <paramref name="now"/> while the last booked slice runs (or waits to run) goes in front of the rest
    /// of it: returns when it ends. Null when the slice is not the last work queued, or already over by then, or when the
    /// softirq run it would join has lasted <see cref="MaxSoftirqTimePs"/> (<paramref name="handOff"/>: ksoftirqd takes
    /// it, behind the slice), or joins work already handed to ksoftirqd.
    /// </summary>
    private long? TryPreempt(long now, long workPs, out bool handOff)
    {
        var slice = _slice!;
        handOff = false;
        if (slice.End != _busyUntil || SoftirqDeferred(now)) return null;
        long start = Math.Max(now, Math.Max(_softirqUntil, slice.Start));
        if (start >= slice.End) return null;
        long runStart = start > _softirqUntil ? start : _softirqRunStart;
        if (start - runStart >= MaxSoftirqTimePs)
        {
            handOff = true;
            return null;
        }
        _softirqRunStart = runStart;
        _softirqUntil = start + workPs;
        slice.End += workPs;
        slice.PreemptedPs += workPs;
        _busyUntil += workPs;
        Account(now, workPs);
        return _softirqUntil;
    }

    /// <summary>Softirq work booked in turn from <paramref name="start"/>: it joins the softirq run before it or starts one.</summary>
    private void BookSoftirq(long now, long start, bool handOff)
    {
        if (start > _softirqUntil) _softirqRunStart = start;
        if (now >= _softirqUntil) _ksoftirqd = false;
        if (handOff) _ksoftirqd = true;
        _softirqUntil = _busyUntil;
    }

    private void Account(long now, long workPs)
    {
        BusyPs += workPs;
        WorkItems++;
        long backlog = _busyUntil - now;
        if (backlog > MaxBacklogPs) MaxBacklogPs = backlog;
    }

    /// <summary>
    /// Picoseconds the core has been busy up to <paramref name="now"/> (not later than the present): the booked work
    /// minus what is still queued. Work booked by then forms one busy stretch from then on, so this is exact.
    /// </summary>
    public long BusyThrough(long now) => BusyPs - Math.Max(0, _busyUntil - now);

    /// <summary>Fraction of <paramref name="elapsedPs"/> (from time 0) the core was busy.</summary>
    public double Utilisation(long elapsedPs) => elapsedPs <= 0 ? 0 : BusyThrough(elapsedPs) / (double)elapsedPs;
}
