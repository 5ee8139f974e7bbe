namespace NetSim.Engine.Core;

/// <summary>
/// One partition's record of a window: the events it ran (time, number, kind, how many events each scheduled) and
/// the events it scheduled for later windows or other partitions, held until the merge has numbered them.
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
    private long[] _childSeqs = new long[1024]; // each child's real number, filled by the merge
    private int _childCount;
    private Staged[] _staged = new Staged[256];
    private int _stagedCount;
    private int _next; // the merge's cursor over the log
    private int _nextChild; // and over the children

    public PartitionWindow(int index, Partitioning plan)
    {
        Index = index;
        Plan = plan;
    }

    public int Index { get; }
    public Partitioning Plan { get; }
    /// <summary>The window's end (exclusive): no other partition can reach this one earlier.</summary>
    public long End { get; private set; }

    public void Begin(long end)
    {
        End = end;
        _count = 0;
        _childCount = 0;
        _stagedCount = 0;
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
        if (_childCount == _childSeqs.Length) Array.Resize(ref _childSeqs, _childSeqs.Length * 2);
        return _childCount++;
    }

    public void Stage(long at, int child, int dest, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (_stagedCount == _staged.Length) Array.Resize(ref _staged, _staged.Length * 2);
        ref Staged s = ref _staged[_stagedCount++];
        s.At = at;
        s.Child = child;
        s.Dest = dest;
        s.Record.Set(target, kind, arg, payload, node);
    }

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
            return s >= ProvisionalBase ? _childSeqs[s - ProvisionalBase] : s;
        }
    }

    /// <summary>Consumes the next logged event: its children take the numbers from <paramref name="nextSeq"/> on.</summary>
    public long TakeNext(long nextSeq)
    {
        int n = _children[_next++];
        for (int i = 0; i < n; i++) _childSeqs[_nextChild++] = nextSeq++;
        return nextSeq;
    }

    /// <summary>Hands the staged events, now numbered, to the partitions that run them.</summary>
    public void Deliver(Simulator[] parts)
    {
        for (int i = 0; i < _stagedCount; i++)
        {
            ref Staged s = ref _staged[i];
            ref EventRecord r = ref s.Record;
            parts[s.Dest].PushNumbered(s.At, _childSeqs[s.Child], r.Target!, r.Kind, r.Arg, r.Payload, r.Node);
            r.Release();
        }
        _stagedCount = 0;
    }

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

    private struct Staged
    {
        public long At;
        public int Child;
        public int Dest;
        public EventRecord Record;
    }
}
