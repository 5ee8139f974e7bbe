namespace NetSim.Engine.Cpu;

/// <summary>
/// Where the kernel's scheduler runs the application threads of one node. A new thread (iperf3's thread per
/// stream since 3.16, a netperf or netserver process per instance) goes to the core with the fewest threads,
/// lowest index first, as load balancing spreads runnable tasks one per core (select_task_rq_fair for a new
/// task). Once a connection's softirq core is known, its thread follows the wakeups: by default (wake-affine, the
/// kernel's wake_affine with the synchronous wakeups sockets use) the softirq that received the data wakes the
/// thread onto its own core; on a tuned host whose interrupts and applications are pinned apart, the thread
/// moves off that core to an idle sibling (select_idle_sibling). Pinned threads (taskset) stay where they are put.
/// </summary>
public sealed class CpuScheduler
{
    private readonly NodeCpu _cpu;
    private readonly int[] _threads;

    internal CpuScheduler(NodeCpu cpu)
    {
        _cpu = cpu;
        _threads = new int[cpu.CoreCount];
    }

    /// <summary>Woken threads run on the core of the softirq that woke them (the default); false: they avoid it.</summary>
    public bool WakeAffine { get; set; } = true;

    /// <summary>Application threads living on <paramref name="core"/>.</summary>
    public int Threads(int core) => _threads[Wrap(core)];

    /// <summary>A new thread: the core with the fewest threads (lowest index on ties).</summary>
    public int PlaceThread()
    {
        int best = LeastLoaded();
        _threads[best]++;
        return best;
    }

    /// <summary>The core with the fewest threads (lowest index on ties), where a new thread would go.</summary>
    public int LeastLoaded()
    {
        int best = 0;
        for (int c = 1; c < _threads.Length; c++)
            if (_threads[c] < _threads[best]) best = c;
        return best;
    }

    /// <summary>A new thread pinned to <paramref name="core"/> (taskset).</summary>
    public int PinThread(int core)
    {
        int c = Wrap(core);
        _threads[c]++;
        return c;
    }

    /// <summary>A thread exits.</summary>
    public void Exit(int core)
    {
        int c = Wrap(core);
        if (_threads[c] > 0) _threads[c]--;
    }

    /// <summary>
    /// The core a thread on <paramref name="current"/> runs on once its connection's softirq is known to run on
    /// <paramref name="softirqCore"/>. With affine wakeups (<see cref="WakeAffine"/>) the waker's core is the target:
    /// the thread moves there unless another thread already runs there (a sender whose softirq delivers to a local
    /// receiver), when select_idle_sibling gives it an idle core instead. Otherwise <see cref="AwayFromSoftirq"/>.
    /// A pinned thread (<paramref name="pinned"/>) stays.
    /// </summary>
    public int OnWakeup(int current, int softirqCore, long now, bool pinned = false)
    {
        if (pinned) return Wrap(current);
        int from = Wrap(current), to = Wrap(softirqCore);
        if (!WakeAffine || (from != to && _threads[to] > 0)) return AwayFromSoftirq(current, softirqCore, now);
        if (from == to) return from;
        if (_threads[from] > 0) _threads[from]--;
        _threads[to]++;
        return to;
    }

    /// <summary>
    /// The core a thread on <paramref name="current"/> runs on once its connection's softirq is known to run on
    /// <paramref name="softirqCore"/>: unchanged when they differ; otherwise the idle other core with the fewest
    /// threads, else the other core free soonest (lowest index on ties). The thread moves there.
    /// </summary>
    public int AwayFromSoftirq(int current, int softirqCore, long now)
    {
        int cores = _threads.Length;
        int from = Wrap(current), irq = Wrap(softirqCore);
        if (cores == 1 || from != irq) return from;
        int best = -1;
        bool bestIdle = false;
        for (int c = 0; c < cores; c++)
        {
            if (c == irq) continue;
            bool idle = _cpu[c].BusyUntil <= now;
            if (best < 0 || Better(c, idle, best, bestIdle))
            {
                best = c;
                bestIdle = idle;
            }
        }
        if (_threads[from] > 0) _threads[from]--;
        _threads[best]++;
        return best;
    }

    private bool Better(int c, bool idle, int best, bool bestIdle)
    {
        if (idle != bestIdle) return idle;
        if (idle) return _threads[c] < _threads[best];
        long a = _cpu[c].BusyUntil, b = _cpu[best].BusyUntil;
        return a != b ? a < b : _threads[c] < _threads[best];
    }

    private int Wrap(int core) => (int)((uint)core % (uint)_threads.Length);
}
