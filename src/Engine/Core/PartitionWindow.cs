namespace NetSim.Engine.Core;

/// <summary>
/// One partition's record of a window: the events it ran (time, number, kind, how many events each scheduled) and
/// the events it scheduled for later windows or other partitions, held in one outbox per destination until the merge
/// has numbered them. Outboxes and child numbers alternate between two sets by window, so each destination pulls
/// last window's outbox on its own thread while this partition fills the other set (no serial delivery).
/// </summary>
internal sealed class PartitionWindow
{
    /// <summary>Provisional numbers of events scheduled in this window: above every real one, in scheduling order.</summary>
    public const long ProvisionalBase = 1L << 62;

    private long[] _times = new long[1024];
    private long[] _seqs = new long[1024];
    private int[] _kinds = new int[1024];
    private int[] _children = new int[1024];
    private int _count;
    private readonly long[][] _childSeqs = [new long[1024], new long[1024]]; // each child's real number, by the merge
    private int _childCount;
    private readonly Outbox[][] _out; // [set][destination]
    private int _set; // the set this window fills
    private int _next; // the merge's cursor over the log
    private int _nextChild; // and over the children

    public PartitionWindow(int index, Partitioning plan)
    {
        Index = index;
        Plan = plan;
        _out = new Outbox[2][];
        for (int set = 0; set < 2; set++)
        {
            _out[set] = new Outbox[plan.Count];
            for (int d = 0; d < plan.Count; d++) _out[set][d] = new Outbox();
        }
    }

    public int Index { get; }
    public Partitioning Plan { get; }
    /// <summary>The window's end (exclusive): no other partition can reach this one earlier.</summary>
    public long End { get; private set; }

    /// <summary>Starts a window: the other set's outboxes (last window's, numbered) wait for their destinations' pull.</summary>
    public void Begin(long end)
    {
        End = end;
        _count = 0;
        _childCount = 0;
        _set ^= 1;
    }

    public void Log(long time, long seq, int kind)
    {
        if (_count == _times.Length) GrowLog();
        _times[_count] = time;
        _seqs[_count] = seq;
        _kinds[_count] = kind;
        _children[_count] = 0;
        _count++;
    }

    /// <summary>The running event scheduled one more event; returns that child's index in this window.</summary>
    public int AddChild()
    {
        _children[_count - 1]++;
        long[] seqs = _childSeqs[_set];
        if (_childCount == seqs.Length) Array.Resize(ref _childSeqs[_set], seqs.Length * 2);
        return _childCount++;
    }

    public void Stage(long at, int child, int dest, IEventTarget target, int kind, long arg, object? payload, int node) =>
        _out[_set][dest].Add(at, child, target, kind, arg, payload, node);

    public void Rewind()
    {
        _next = 0;
        _nextChild = 0;
    }

    /// <summary>Events this partition ran in the window.</summary>
    public int Logged => _count;

    public bool HasNext => _next < _count;
    public long NextTime => _times[_next];
    public int NextKind => _kinds[_next];

    /// <summary>The next logged event's real insertion number (its parent, earlier in this log, is merged already).</summary>
    public long NextTrueSeq
    {
        get
        {
            long s = _seqs[_next];
            return s >= ProvisionalBase ? _childSeqs[_set][s - ProvisionalBase] : s;
        }
    }

    /// <summary>Consumes the next logged event: its children take the numbers from <paramref name="nextSeq"/> on.</summary>
    public long TakeNext(long nextSeq)
    {
        int n = _children[_next++];
        long[] seqs = _childSeqs[_set];
        for (int i = 0; i < n; i++) seqs[_nextChild++] = nextSeq++;
        return nextSeq;
    }

    /// <summary>Earliest event this window staged for <paramref name="dest"/> (long.MaxValue if none), before it is pulled.</summary>
    public long StagedMinimum(int dest) => _out[_set][dest].MinAt;

    /// <summary>
    /// Moves the numbered events this partition staged for <paramref name="into"/> in the window that filled
    /// <paramref name="set"/> into that partition's queue. Run by the destination's own thread (or between runs).
    /// </summary>
    public void PullInto(Simulator into, int dest, int set)
    {
        Outbox box = _out[set][dest];
        long[] seqs = _childSeqs[set];
        Outbox.Entry[] entries = box.Entries;
        for (int i = 0; i < box.Count; i++)
        {
            ref Outbox.Entry s = ref entries[i];
            ref EventRecord r = ref s.Record;
            into.PushNumbered(s.At, seqs[s.Child], r.Target!, r.Kind, r.Arg, r.Payload, r.Node);
            r.Release();
        }
        box.Clear();
    }

    /// <summary>The set last window filled (the one its destinations pull during this window).</summary>
    public int PreviousSet => _set ^ 1;
    /// <summary>The set this window fills (pulled between runs, after the last merge).</summary>
    public int CurrentSet => _set;

    public void ThrowLookahead(long at, long now, int dest) =>
        throw new InvalidOperationException(
            $"parallel run: partition {Index} scheduled an event for partition {dest} at {new SimTime(at)} from {new SimTime(now)}, " +
            $"inside the window that ends at {new SimTime(End)} (the lookahead of {new SimTime(Plan.LookaheadPs)} does not hold)");

    private void GrowLog()
    {
        int n = _times.Length * 2;
        Array.Resize(ref _times, n);
        Array.Resize(ref _seqs, n);
        Array.Resize(ref _kinds, n);
        Array.Resize(ref _children, n);
    }

    /// <summary>Events staged for one destination in one window, and the earliest of their times.</summary>
    private sealed class Outbox
    {
        public Entry[] Entries = new Entry[256];
        public int Count;
        public long MinAt = long.MaxValue;

        public void Add(long at, int child, IEventTarget target, int kind, long arg, object? payload, int node)
        {
            if (Count == Entries.Length) Array.Resize(ref Entries, Entries.Length * 2);
            ref Entry s = ref Entries[Count++];
            s.At = at;
            s.Child = child;
            s.Record.Set(target, kind, arg, payload, node);
            if (at < MinAt) MinAt = at;
        }

        public void Clear()
        {
            Count = 0;
            MinAt = long.MaxValue;
        }

        public struct Entry
        {
            public long At;
            public int Child;
            public EventRecord Record;
        }
    }
}
