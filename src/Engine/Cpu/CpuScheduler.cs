namespace NetSim.Engine.Cpu;

/// <summary>
/// Where the kernel's scheduler runs the application threads of one node. A new thread (iperf3's thread per
/// stream since 3.16, a netperf or netserver process per instance) goes to the core with the fewest threads,
/// lowest index first, as load balancing spreads runnable tasks one per core (select_task_rq_fair for a new
/// task). A blocked reader's core is chosen again at every wakeup, as select_task_rq_fair does: by default
/// (wake-affine, the kernel's wake_affine with the synchronous wakeups sockets use) the softirq that received the data
/// wakes the thread onto its own core while that core runs no task, and onto the previous or another idle core once it
/// does (its softirq handed to ksoftirqd after MAX_SOFTIRQ_TIME); on a tuned host whose interrupts and applications are
/// pinned apart, the thread moves off that core to an idle sibling (select_idle_sibling). Pinned threads (taskset) stay
/// where they are put.
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
    /// The core a thread blocked on <paramref name="current"/> runs on when the softirq on <paramref name="softirqCore"/>
    /// wakes it (try_to_wake_up → select_task_rq_fair, at every wakeup of a blocked reader). With affine wakeups
    /// (<see cref="WakeAffine"/>) the waker's core is the target (wake_affine: the waker's CPU is idle apart from the
    /// interrupt it serves, or a synchronous wakeup by its one running task), and select_idle_sibling keeps the target if
    /// it is idle, else the previous core if idle, else the first idle core after the target, else the target. A core
    /// is not idle while it runs a task: a process's work is queued on it, or its softirq has been handed to ksoftirqd
    /// (<see cref="CpuCore.RunsTask"/>); the waker's core also counts as busy while another application thread lives
    /// there (a sender whose transmit ran the softirq in its own context). Otherwise <see cref="AwayFromSoftirq"/>. A
    /// pinned thread (<paramref name="pinned"/>) stays.
    /// </summary>
    public int OnWakeup(int current, int softirqCore, long now, bool pinned = false)
    {
        if (pinned) return Wrap(current);
        if (!WakeAffine) return AwayFromSoftirq(current, softirqCore, now);
        int prev = Wrap(current), target = Wrap(softirqCore);
        int to = SelectIdleSibling(prev, target, now);
        if (to != prev)
        {
            if (_threads[prev] > 0) _threads[prev]--;
            _threads[to]++;
        }
        return to;
    }

    // select_idle_sibling: the target if idle, the previous core if idle, the first idle core after the target, else the target.
    private int SelectIdleSibling(int prev, int target, long now)
    {
        if (Idle(target, prev, target, now)) return target;
        if (prev != target && Idle(prev, prev, target, now)) return prev;
        int cores = _threads.Length;
        for (int i = 1; i < cores; i++)
        {
            int c = target + i < cores ? target + i : target + i - cores;
            if (c != prev && Idle(c, prev, target, now)) return c;
        }
        return target;
    }

    // idle_cpu() at the wakeup: no task runs there (interrupt work alone leaves a core idle).
    private bool Idle(int core, int prev, int waker, long now)
    {
        if (_cpu[core].RunsTask(now)) return false;
        return core != waker || _threads[core] - (core == prev ? 1 : 0) == 0;
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
