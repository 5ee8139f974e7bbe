using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// The simulator split across threads (<see cref="Split"/>): each partition is a simulator of its own with the
/// events of its nodes; this one becomes the facade every element keeps calling. Scheduling and the clock go to the
/// calling thread's partition; between windows the facade merges the partitions' logs in (time, seq) order, which
/// gives every event the insertion number the sequential engine would have given it, and the same fingerprint.
/// </summary>
public sealed partial class Simulator
{
    [ThreadStatic] private static Simulator? t_partition; // the partition whose window this thread is running

    private PartitionWindow? _window; // set on a partition: its log of the current window

    /// <summary>
    /// Splits the pending events by node into <see cref="Partitioning.Count"/> partitions run on as many threads
    /// (the calling thread runs the first). From now on <see cref="RunUntil"/> runs synchronous windows, each up to
    /// the earliest time any partition can reach another (<see cref="Partitioning.EarliestOutputPs"/>). Call before
    /// the run, after the setup code scheduled its events.
    /// </summary>
    public void Split(Partitioning plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (_split is not null) throw new InvalidOperationException("the simulator is already split");
        if (_eventsProcessed > 0) throw new InvalidOperationException("split a run before its first event (one thread does not track events' nodes)");
        var parts = new Simulator[plan.Count];
        for (int i = 0; i < parts.Length; i++)
            parts[i] = new Simulator { _now = _now, _window = new PartitionWindow(i, plan) };
        while (_laneCount > 0)
        {
            SimEvent ev = DequeueLane();
            parts[plan.PartitionOf(ev.Node)]._events.Push(in ev);
        }
        while (_events.TryTakeTop(long.MaxValue, out SimEvent ev)) parts[plan.PartitionOf(ev.Node)]._events.Push(in ev);
        _split = new SplitRole(this, plan, parts);
    }

    /// <summary>Stops the partitions' threads (the run's results stay readable); the simulator cannot run again.</summary>
    public void EndSplit() => _split?.Stop();

    /// <summary>Threads the run is split over (1 when it is not split).</summary>
    public int Partitions => _split?.Parts.Length ?? 1;

    /// <summary>Synchronous windows run so far (0 when not split).</summary>
    public long Windows => _split?.Windows ?? 0;

    /// <summary>
    /// Windows in which the calling thread ran a worker's partition itself because the worker had not yet woken
    /// (a measure of the hand-over's latency on this machine; not deterministic).
    /// </summary>
    public long WindowsRunByCaller => _split?.CallerRanWorker ?? 0;

    /// <summary>
    /// The sum over windows of the busiest partition's events: what the run costs at best with one core per
    /// partition, so <see cref="EventsProcessed"/> over this bounds the speed-up (balance and window structure only).
    /// </summary>
    public long CriticalPathEvents => _split?.CriticalPathEvents ?? _eventsProcessed;

    /// <summary>Events each partition ran (one entry, all of them, when not split): the split's balance.</summary>
    public IReadOnlyList<long> PartitionEvents => _split is { } role ? role.PartitionEvents : [_eventsProcessed];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long SplitNow() => t_partition is { } p ? p._now : _now;

    private int SplitPending()
    {
        int n = 0;
        foreach (var p in _split!.Parts) n += p.PendingEvents;
        return n;
    }

    private long SplitCountPayloads(Predicate<object> match)
    {
        long n = 0;
        foreach (var p in _split!.Parts) n += p.CountPendingPayloads(match);
        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SplitSchedule(long at, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (t_partition is { } p) p.ScheduleInWindow(at, target, kind, arg, payload, node);
        else ScheduleOutside(at, target, kind, arg, payload, node);
    }

    /// <summary>Setup code or a caller between runs: the event gets the next insertion number, as sequentially.</summary>
    private void ScheduleOutside(long at, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (at < _now) ThrowPast(at);
        if (node < 0) node = _node;
        _split!.Parts[_split.Plan.PartitionOf(node)]._events.Push(at, _nextSeq++, target, kind, arg, payload, node);
    }

    /// <summary>
    /// A partition schedules during a window: its own events before the window's end go straight to its queue with a
    /// provisional number (they keep their order among themselves); the rest wait for the merge to number them.
    /// </summary>
    private void ScheduleInWindow(long at, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (at < _now) ThrowPast(at);
        if (node < 0) node = _node;
        PartitionWindow w = _window!;
        int child = w.AddChild();
        int dest = w.Plan.PartitionOf(node);
        if (dest == w.Index && at < w.End)
        {
            long seq = PartitionWindow.ProvisionalBase + child;
            if (at == _now) EnqueueLane(seq, target, kind, arg, payload, node);
            else _events.Push(at, seq, target, kind, arg, payload, node);
            return;
        }
        if (at < w.End) w.ThrowLookahead(at, _now, dest);
        w.Stage(at, child, dest, target, kind, arg, payload, node);
    }

    /// <summary>
    /// A partition's part of one window: first the events the others (and itself) staged for it last window, now
    /// numbered, pulled on this thread; then every event of its own due before the window's end, logged.
    /// </summary>
    private void RunWindow(Simulator[] parts)
    {
        PartitionWindow w = _window!;
        foreach (var q in parts)
        {
            PartitionWindow from = q._window!;
            from.PullInto(this, w.Index, from.PreviousSet);
        }
        t_partition = this;
        Partitioning.CurrentIndex = w.Index;
        try
        {
            long last = w.End - 1;
            while (TryDequeue(last, out SimEvent ev))
            {
                _now = ev.Time;
                _node = ev.Node;
                w.Log(ev.Time, ev.Seq, ev.Kind);
                ev.Target.OnEvent(in ev);
            }
        }
        finally
        {
            t_partition = null;
            Partitioning.CurrentIndex = 0;
        }
    }

    private void SplitRunUntil(long end)
    {
        SplitRole role = _split!;
        Simulator[] parts = role.Parts;
        while (true)
        {
            long first = long.MaxValue, windowEnd = long.MaxValue;
            for (int i = 0; i < parts.Length; i++)
            {
                long next = parts[i].NextEventTime(parts);
                if (next == long.MaxValue) continue; // nothing to run: it can only receive, and nothing lands before the end
                first = Math.Min(first, next);
                windowEnd = Math.Min(windowEnd, role.Plan.EarliestOutputPs(i, next));
            }
            if (first == long.MaxValue || first > end) break;
            if (end < long.MaxValue && windowEnd > end + 1) windowEnd = end + 1;
            foreach (var p in parts) p._window!.Begin(windowEnd);
            role.RunWindow();
            Merge(parts);
        }
        DeliverStaged(parts);
        if (end != long.MaxValue && end > _now)
        {
            _now = end;
            foreach (var p in parts) p._now = end;
        }
    }

    /// <summary>Between runs: every event staged by the last window goes to its partition's queue (one thread).</summary>
    private static void DeliverStaged(Simulator[] parts)
    {
        foreach (var p in parts)
            foreach (var q in parts)
            {
                PartitionWindow from = q._window!;
                from.PullInto(p, p._window!.Index, from.CurrentSet);
            }
    }

    /// <summary>Adds an event the merge has numbered (a later window's, or another partition's).</summary>
    internal void PushNumbered(long at, long seq, IEventTarget target, int kind, long arg, object? payload, int node) =>
        _events.Push(at, seq, target, kind, arg, payload, node);

    /// <summary>
    /// Time of this partition's earliest pending event between windows: its queue's (the lane is empty) or the
    /// earliest of those the last window staged for it, which it pulls when the next window starts.
    /// </summary>
    private long NextEventTime(Simulator[] parts)
    {
        long t = _laneCount > 0 ? _now : _events.Count == 0 ? long.MaxValue : _events.TopTime;
        int index = _window!.Index;
        foreach (var q in parts) t = Math.Min(t, q._window!.StagedMinimum(index));
        return t;
    }

    /// <summary>
    /// Replays the window's events in the sequential order, (time, seq): each event's children get the next
    /// insertion numbers in the order it scheduled them, exactly as the single queue would have numbered them, and
    /// the fingerprint and count advance as they would have. Each partition's log is already in that order, so the
    /// merge takes runs: from the partition with the earliest head, every event before the runner-up's head.
    /// </summary>
    private void Merge(Simulator[] parts)
    {
        int n = parts.Length;
        Span<long> times = n <= 64 ? stackalloc long[n] : new long[n];
        Span<long> seqs = n <= 64 ? stackalloc long[n] : new long[n];
        int busiest = 0;
        for (int i = 0; i < n; i++)
        {
            PartitionWindow w = parts[i]._window!;
            w.Rewind();
            busiest = Math.Max(busiest, w.Logged);
            _split!.PartitionEvents[i] += w.Logged;
            Head(w, out times[i], out seqs[i]);
        }
        _split!.CriticalPathEvents += busiest;
        long nextSeq = _nextSeq, count = 0, now = _now;
        RunFingerprint fingerprint = _fingerprint;
        while (true)
        {
            int best = 0;
            for (int i = 1; i < n; i++)
                if (Before(times[i], seqs[i], times[best], seqs[best])) best = i;
            if (times[best] == long.MaxValue) break;
            long upToTime = long.MaxValue, upToSeq = long.MaxValue; // the runner-up's head
            for (int i = 0; i < n; i++)
                if (i != best && Before(times[i], seqs[i], upToTime, upToSeq)) (upToTime, upToSeq) = (times[i], seqs[i]);
            PartitionWindow w = parts[best]._window!;
            long t, s;
            do
            {
                now = w.NextTime;
                fingerprint = fingerprint.Add(now, w.NextKind);
                count++;
                nextSeq = w.TakeNext(nextSeq);
                Head(w, out t, out s);
            }
            while (Before(t, s, upToTime, upToSeq));
            times[best] = t;
            seqs[best] = s;
        }
        _fingerprint = fingerprint;
        _eventsProcessed += count;
        _now = now;
        _nextSeq = nextSeq;
    }

    /// <summary>The key of a log's next event, (long.MaxValue, long.MaxValue) once it is merged to the end.</summary>
    private static void Head(PartitionWindow w, out long time, out long seq)
    {
        if (w.HasNext)
        {
            time = w.NextTime;
            seq = w.NextTrueSeq;
        }
        else
        {
            time = long.MaxValue;
            seq = long.MaxValue;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Before(long time, long seq, long otherTime, long otherSeq) => time < otherTime || (time == otherTime && seq < otherSeq);

    /// <summary>The threads of a split run and their window-by-window hand-over.</summary>
    private sealed class SplitRole
    {
        private readonly Thread[] _workers;
        private readonly Exception?[] _failures;
        private readonly int[] _claimed; // the last window each partition was claimed for (by its worker or the caller)
        private int _generation;
        private int _running;
        private volatile bool _quit;

        public SplitRole(Simulator facade, Partitioning plan, Simulator[] parts)
        {
            Plan = plan;
            Parts = parts;
            _failures = new Exception?[parts.Length];
            PartitionEvents = new long[parts.Length];
            _claimed = new int[parts.Length];
            _workers = new Thread[parts.Length - 1];
            for (int i = 0; i < _workers.Length; i++)
            {
                int index = i + 1;
                _workers[i] = new Thread(() => Work(index)) { IsBackground = true, Name = $"netsim partition {index}" };
                _workers[i].Start();
            }
            _ = facade;
        }

        public Partitioning Plan { get; }
        public Simulator[] Parts { get; }
        public long Windows { get; private set; }
        public long CriticalPathEvents { get; set; }
        public long[] PartitionEvents { get; }

        /// <summary>Windows in which this thread ran a worker's partition because the worker had not woken for it.</summary>
        public long CallerRanWorker { get; private set; }

        /// <summary>
        /// Runs one window on every partition and waits for all of them: this thread runs the first, then any whose
        /// worker has not woken yet (a descheduled worker on a busy machine would otherwise stall every window).
        /// </summary>
        public void RunWindow()
        {
            Windows++;
            Volatile.Write(ref _running, _workers.Length);
            int window = Interlocked.Increment(ref _generation);
            Run(0);
            for (int i = 1; i < Parts.Length; i++)
                if (TryRun(i, window)) CallerRanWorker++;
            for (int spins = 0; Volatile.Read(ref _running) > 0;) Pause(ref spins);
            for (int i = 0; i < _failures.Length; i++)
                if (_failures[i] is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }

        /// <summary>
        /// One step of waiting for the other thread: a pause instruction (the hand-over is a cache line), and after
        /// <see cref="SpinsBeforeYield"/> pauses a yield, so a loaded machine runs the thread being waited for.
        /// (SpinWait's back-off lengthens every wait and mixes in Sleep(0), which adds microseconds to each hand-over
        /// of windows that hold only tens of microseconds of work.)
        /// </summary>
        private static void Pause(ref int spins)
        {
            if (++spins < SpinsBeforeYield)
            {
                Thread.SpinWait(1);
                return;
            }
            spins = 0;
            Thread.Yield();
        }

        /// <summary>Pauses before giving up the core: a few microseconds, longer than a hand-over, shorter than a window's work.</summary>
        private const int SpinsBeforeYield = 300;

        /// <summary>Runs partition <paramref name="index"/>'s part of <paramref name="window"/> unless another thread claimed it.</summary>
        private bool TryRun(int index, int window)
        {
            if (Interlocked.CompareExchange(ref _claimed[index], window, window - 1) != window - 1) return false;
            Run(index);
            Interlocked.Decrement(ref _running);
            return true;
        }

        private void Run(int index)
        {
            try
            {
                Parts[index].RunWindow(Parts);
            }
            catch (Exception e)
            {
                _failures[index] = e;
            }
        }

        private void Work(int index)
        {
            int seen = 0;
            while (true)
            {
                for (int spins = 0; Volatile.Read(ref _generation) == seen && !_quit;) Pause(ref spins);
                if (_quit) return;
                seen = Volatile.Read(ref _generation);
                TryRun(index, seen);
            }
        }

        public void Stop()
        {
            _quit = true;
            foreach (var t in _workers) t.Join();
        }
    }
}
