using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// The discrete-event scheduler. Events are structs in a calendar queue ordered by (time, insertion order); events
/// due at the current time go to a FIFO lane that never touches the calendar (zero-delay hops are common in a
/// datapath). The next event is the earlier of the calendar's top and the lane head, so the order is exactly
/// (time, seq) either way. An event that names no node belongs to the node of the event that scheduled it, so
/// every event has an owner and a run can be split by node across threads (<see cref="Partitioning"/>).
/// </summary>
public sealed partial class Simulator
{
    /// <summary>The node argument that means "the node of the event being handled".</summary>
    public const int ContextNode = -1;

    private readonly EventCalendar _events;
    private EventRecord[] _lane; // ring buffer; every lane event is due at _now, so only its seq is kept beside it
    private long[] _laneSeqs;
    private int _laneHead;
    private int _laneCount;
    private long _now;
    private long _nextSeq;
    private long _eventsProcessed;
    private bool _stopRequested;
    private int _node; // the setup code's node (a partition's: the running event's): events naming no node get it
    private RunFingerprint _fingerprint = RunFingerprint.Initial;
    private SplitRole? _split; // null: one thread, one queue (the hot path checks only this)

    public Simulator(int initialCapacity = 1024)
    {
        _events = new EventCalendar(initialCapacity);
        _lane = new EventRecord[256];
        _laneSeqs = new long[256];
    }

    public SimTime Now => new(NowPicoseconds);
    public long NowPicoseconds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _split is null ? _now : SplitNow();
    }
    public long EventsProcessed => _eventsProcessed;
    public int PendingEvents => _split is null ? _events.Count + _laneCount : SplitPending();

    /// <summary>
    /// The node that events scheduled from outside any event (setup code) belong to when they name none; build code
    /// sets it while wiring a node's applications. One thread never needs an event's node: only a split run
    /// (<see cref="Split"/>, before the first event) and its partitions track the running event's.
    /// </summary>
    public int SetupNode
    {
        get => _node;
        set => _node = value;
    }
    /// <summary>The future event set, for tests and diagnostics.</summary>
    internal EventCalendar Events => _events;

    /// <summary>A running hash over every processed event's time and kind; equal runs have equal fingerprints.</summary>
    public ulong Fingerprint => _fingerprint.Value;

    /// <summary>Schedules an event <paramref name="delay"/> after now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Schedule(SimTime delay, IEventTarget target, int kind, long arg = 0, object? payload = null, int node = ContextNode)
    {
        if (_split is not null)
        {
            SplitSchedule(checked(SplitNow() + delay.Picoseconds), target, kind, arg, payload, node);
            return;
        }
        ScheduleHere(checked(_now + delay.Picoseconds), target, kind, arg, payload, node);
    }

    /// <summary>Schedules an event at an absolute time, which must not be in the past.</summary>
    public void ScheduleAt(SimTime at, IEventTarget target, int kind, long arg = 0, object? payload = null, int node = ContextNode) =>
        ScheduleAtPicoseconds(at.Picoseconds, target, kind, arg, payload, node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ScheduleAtPicoseconds(long at, IEventTarget target, int kind, long arg = 0, object? payload = null, int node = ContextNode)
    {
        if (_split is not null)
        {
            SplitSchedule(at, target, kind, arg, payload, node);
            return;
        }
        ScheduleHere(at, target, kind, arg, payload, node);
    }

    /// <summary>One queue: the event gets the next insertion number (a node named by none is the setup code's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScheduleHere(long at, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (at < _now) ThrowPast(at);
        if (node < 0) node = _node;
        long seq = _nextSeq++;
        if (at == _now) EnqueueLane(seq, target, kind, arg, payload, node);
        else _events.Push(at, seq, target, kind, arg, payload, node);
    }

    /// <summary>Counts pending events whose payload matches (end-of-run checks; scans every pending event).</summary>
    public long CountPendingPayloads(Predicate<object> match)
    {
        if (_split is not null) return SplitCountPayloads(match);
        long n = _events.CountPayloads(match);
        for (int i = 0; i < _laneCount; i++)
        {
            int j = _laneHead + i;
            if (j >= _lane.Length) j -= _lane.Length;
            if (_lane[j].Payload is { } o && match(o)) n++;
        }
        return n;
    }

    /// <summary>Asks the running loop to return after the current event.</summary>
    public void Stop() => _stopRequested = true;

    /// <summary>Runs until no event is left or <see cref="Stop"/> is called.</summary>
    public void Run() => RunUntilPicoseconds(long.MaxValue);

    /// <summary>
    /// Runs every event due at or before <paramref name="end"/>, then leaves the clock at <paramref name="end"/>
    /// (unless stopped early or the end is "forever").
    /// </summary>
    public void RunUntil(SimTime end) => RunUntilPicoseconds(end.Picoseconds);

    private void RunUntilPicoseconds(long end)
    {
        if (_split is not null)
        {
            SplitRunUntil(end);
            return;
        }
        _stopRequested = false;
        while (!_stopRequested && TryDequeue(end, out SimEvent ev))
        {
            _now = ev.Time;
            _eventsProcessed++;
            _fingerprint = _fingerprint.Add(ev.Time, ev.Kind);
            ev.Target.OnEvent(in ev);
        }
        if (!_stopRequested && end != long.MaxValue && end > _now) _now = end;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryDequeue(long end, out SimEvent ev)
    {
        if (_laneCount > 0 && LaneGoesFirst())
        {
            if (_now > end) { ev = default; return false; }
            ev = DequeueLane();
            return true;
        }
        return _events.TryTakeTop(end, out ev);
    }

    /// <summary>Whether the lane's head (due now) precedes the calendar's earliest event in (time, seq) order.</summary>
    private bool LaneGoesFirst()
    {
        EventCalendar events = _events;
        long laneTime = _now;
        return events.Count == 0 || laneTime < events.TopTime || (laneTime == events.TopTime && _laneSeqs[_laneHead] < events.TopSeq);
    }

    private void EnqueueLane(long seq, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (_laneCount == _lane.Length) GrowLane();
        int tail = _laneHead + _laneCount;
        if (tail >= _lane.Length) tail -= _lane.Length;
        _lane[tail].Set(target, kind, arg, payload, node);
        _laneSeqs[tail] = seq;
        _laneCount++;
    }

    /// <summary>The lane's head event; lane events are due now (the clock cannot pass a non-empty lane).</summary>
    private SimEvent DequeueLane()
    {
        int head = _laneHead;
        ref EventRecord record = ref _lane[head];
        SimEvent ev = record.ToEvent(_now, _laneSeqs[head]);
        record.Release();
        _laneHead = head + 1 == _lane.Length ? 0 : head + 1;
        _laneCount--;
        return ev;
    }

    private void GrowLane()
    {
        var records = new EventRecord[_lane.Length * 2];
        var seqs = new long[records.Length];
        for (int i = 0; i < _laneCount; i++)
        {
            int j = _laneHead + i;
            if (j >= _lane.Length) j -= _lane.Length;
            records[i] = _lane[j];
            seqs[i] = _laneSeqs[j];
        }
        _lane = records;
        _laneSeqs = seqs;
        _laneHead = 0;
    }

    private void ThrowPast(long at) =>
        throw new InvalidOperationException($"cannot schedule an event at {new SimTime(at)}, before now ({Now})");
}
