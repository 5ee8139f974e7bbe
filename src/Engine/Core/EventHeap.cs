using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NetSim.Engine.Core;

/// <summary>
/// A 4-ary min-heap of events keyed by (time, seq): the far tier of <see cref="EventCalendar"/> (events a wheel
/// "year" or more ahead, such as TCP timers). It was the whole future event set before the calendar.
/// <list type="bullet">
/// <item>The heap orders small reference-free keys (time, seq, slot); the rest of each event (target, payload,
/// argument, kind, node) stays put in a slot array while pending. A sift therefore moves 24-byte plain structs
/// (no GC write barriers), and an event's references are written once on push and read once on pop.</item>
/// <item>Removing the top descends to a leaf choosing the smallest of four children with conditional moves,
/// then sifts the displaced last key up (Floyd's bottom-up method).</item>
/// <item><see cref="TakeTop"/> leaves the root vacant; if the next push comes before any other access (an
/// event's handler scheduling its successor), that key drops straight into the hole, saving one sift.
/// Any other access fills the hole first, so the vacancy is invisible from outside.</item>
/// </list>
/// Arrays only grow (amortised, never per event).
/// </summary>
public sealed class EventHeap
{
    private const int Arity = 4;
    private const int PrefetchAheadThreshold = 8192; // ≈ 450 KB of keys and records: beyond this they leave L2
    private static readonly EventKey Sentinel = new(long.MaxValue, long.MaxValue, -1);

    private EventKey[] _keys; // heap-ordered; Arity sentinels past the last key keep every child group full
    private EventRecord[] _slots; // the events' other fields, indexed by EventKey.Slot
    private int[] _freeSlots; // stack of unused slot indices (LIFO, so a just-freed slot is reused while cached)
    private int _freeCount;
    private int _count; // pending events, not counting a vacant root
    private bool _rootVacant; // the root's event was taken; keys occupy positions 1.._count and 0 is a hole
    private SimEvent _peeked; // what Peek last returned a reference to

    public EventHeap(int initialCapacity = 1024)
    {
        int capacity = Math.Max(16, initialCapacity);
        _keys = new EventKey[capacity + Arity];
        _keys.AsSpan().Fill(Sentinel);
        _slots = new EventRecord[capacity];
        _freeSlots = new int[capacity];
        PushFreeSlots(0, capacity);
    }

    public int Count => _count;

    /// <summary>
    /// The earliest event; only valid when <see cref="Count"/> is positive. The reference is to a copy that
    /// stays valid until the next call.
    /// </summary>
    public ref readonly SimEvent Peek()
    {
        FillVacantRoot();
        EventKey top = _keys[0];
        _peeked = _slots[top.Slot].ToEvent(top.Time, top.Seq);
        return ref _peeked;
    }

    /// <summary>The earliest event's time; long.MaxValue when empty.</summary>
    internal long TopTime
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            FillVacantRoot();
            return _keys[0].Time;
        }
    }

    /// <summary>The earliest event's insertion number; long.MaxValue when empty.</summary>
    internal long TopSeq
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            FillVacantRoot();
            return _keys[0].Seq;
        }
    }

    /// <summary>Key positions in use, including a vacant root.</summary>
    private int Occupied => _rootVacant ? _count + 1 : _count;

    public void Clear()
    {
        Array.Clear(_slots); // drop references so pooled packets are not kept alive
        _peeked = default;
        _keys.AsSpan(0, Occupied + Arity).Fill(Sentinel);
        _count = 0;
        _rootVacant = false;
        _freeCount = 0;
        PushFreeSlots(0, _slots.Length);
    }

    /// <summary>Counts pending events whose payload matches (not for the hot path).</summary>
    public long CountPayloads(Predicate<object> match)
    {
        FillVacantRoot();
        long n = 0;
        for (int i = 0; i < _count; i++)
            if (_slots[_keys[i].Slot].Payload is { } o && match(o)) n++;
        return n;
    }

    public void Push(in SimEvent ev) => Push(ev.Time, ev.Seq, ev.Target, ev.Kind, ev.Arg, ev.Payload, ev.Node);

    /// <summary>Adds an event given field by field (the scheduler's path: no <see cref="SimEvent"/> is built).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Push(long time, long seq, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        if (_count == _slots.Length) Grow();
        int slot = _freeSlots[--_freeCount];
        _slots[slot].Set(target, kind, arg, payload, node);
        var key = new EventKey(time, seq, slot);
        if (_rootVacant) PushIntoVacantRoot(key);
        else SiftUp(_count++, key);
    }

    public SimEvent Pop()
    {
        if (_count == 0) throw new InvalidOperationException("cannot pop from an empty event heap");
        SimEvent top = TakeTop();
        FillVacantRoot();
        return top;
    }

    /// <summary>
    /// Removes and returns the earliest event (<see cref="Count"/> must be positive), leaving the root vacant
    /// until the next push or access, so a successor pushed by the event's handler needs only one sift.
    /// </summary>
    internal SimEvent TakeTop()
    {
        FillVacantRoot();
        return Take(_keys[0]);
    }

    /// <summary>
    /// <see cref="TakeTop"/> if the earliest event is due at or before <paramref name="end"/>; the scheduler's
    /// per-event path, which checks the vacancy and reads the root key once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryTakeTop(long end, out SimEvent ev)
    {
        FillVacantRoot();
        EventKey key = _keys[0]; // the sentinel (time long.MaxValue) when empty
        if (key.Time > end || _count == 0)
        {
            ev = default;
            return false;
        }
        ev = Take(key);
        return true;
    }

    /// <summary>Removes the root's event (key <paramref name="key"/>) and leaves the root vacant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SimEvent Take(EventKey key)
    {
        ref EventRecord record = ref _slots[key.Slot];
        SimEvent top = record.ToEvent(key.Time, key.Seq);
        record.Release();
        _freeSlots[_freeCount++] = key.Slot;
        _count--;
        _rootVacant = true;
        return top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FillVacantRoot()
    {
        if (_rootVacant) MoveLastIntoRoot();
    }

    /// <summary>Fills the vacant root with the last key, as a pop would have.</summary>
    private void MoveLastIntoRoot()
    {
        _rootVacant = false;
        EventKey[] keys = _keys;
        int last = _count; // the last occupied position: positions 0.._count were in use
        EventKey moved = keys[last];
        keys[last] = Sentinel;
        if (last == 0) return; // the heap is empty; position 0 was just reset to the sentinel
        SiftUp(DescendToLeaf(keys, last), moved);
        PrefetchNextPayloads();
    }

    private void PushIntoVacantRoot(EventKey key)
    {
        _rootVacant = false;
        int count = ++_count; // positions 0.._count-1 are in use once the key lands
        SiftUp(DescendToLeaf(_keys, count), key);
        PrefetchNextPayloads();
    }

    /// <summary>
    /// Moves the hole at the root down to a leaf, pulling the smallest child up at each level; returns the hole.
    /// Sentinels fill incomplete child groups, so every level compares exactly four children. Out of line, so
    /// its unrolled top levels are never inlined into the event loop (where the JIT would branch, not select).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int DescendToLeaf(EventKey[] keys, int count)
    {
        int hole = 0;
        int first = 1;
        // The top levels are unrolled: outside a loop the JIT selects the smallest child inline with conditional
        // moves. Once a level has no children, the later tests fail too (predictably).
        if (first < count) first = PullUpSmallestChild(keys, ref hole, first);
        if (first < count) first = PullUpSmallestChild(keys, ref hole, first);
        if (first < count) first = PullUpSmallestChild(keys, ref hole, first);
        if (first < count) first = PullUpSmallestChild(keys, ref hole, first);
        while (first < count)
        {
            int best = first + MinOfFourOutOfLine(ref keys[first]);
            keys[hole] = keys[best];
            hole = best;
            first = (best * Arity) + 1;
        }
        return hole;
    }

    /// <summary>Moves the smallest of the children at <paramref name="first"/> into the hole; returns its first child.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PullUpSmallestChild(EventKey[] keys, ref int hole, int first)
    {
        int best = first + MinOfFour(ref keys[first]);
        keys[hole] = keys[best];
        hole = best;
        return (best * Arity) + 1;
    }

    /// <summary>
    /// <see cref="MinOfFour"/> kept out of line for use inside loops: the JIT turns its selects into conditional
    /// moves only outside loops, and each comparison's outcome is a coin toss that a branch would mispredict
    /// half the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MinOfFourOutOfLine(ref EventKey c) => MinOfFour(ref c);

    /// <summary>
    /// The offset (0-3) of the smallest of four sibling keys, with conditional moves where the JIT allows them
    /// (see <see cref="MinOfFourOutOfLine"/>). Sequence numbers are read only when times tie (rare, predictable).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MinOfFour(ref EventKey c)
    {
        ref EventKey c1 = ref Unsafe.Add(ref c, 1);
        ref EventKey c2 = ref Unsafe.Add(ref c, 2);
        ref EventKey c3 = ref Unsafe.Add(ref c, 3);
        long t0 = c.Time, t1 = c1.Time, t2 = c2.Time, t3 = c3.Time;

        int left = t1 < t0 ? 1 : 0;
        if (t1 == t0) left = c1.Seq < c.Seq ? 1 : 0;
        int right = t3 < t2 ? 3 : 2;
        if (t3 == t2) right = c3.Seq < c2.Seq ? 3 : 2;

        long leftTime = t1 < t0 ? t1 : t0;
        long rightTime = t3 < t2 ? t3 : t2;
        int best = rightTime < leftTime ? right : left;
        if (rightTime == leftTime) best = Unsafe.Add(ref c, right).Seq < Unsafe.Add(ref c, left).Seq ? right : left;
        return best;
    }

    /// <summary>Places <paramref name="key"/> at or above <paramref name="hole"/>, moving larger parents down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SiftUp(int hole, EventKey key)
    {
        EventKey[] keys = _keys;
        while (hole > 0)
        {
            int parent = (hole - 1) / Arity;
            if (!EventKey.Less(key, keys[parent])) break;
            keys[hole] = keys[parent];
            hole = parent;
        }
        keys[hole] = key;
    }

    /// <summary>
    /// Starts loading the payloads of the next event and (in large heaps) the one after, while the current
    /// event is handled: with many pending events a payload is rarely in cache, and the heap knows it ahead.
    /// </summary>
    private void PrefetchNextPayloads()
    {
        EventKey[] keys = _keys;
        Prefetch(keys[0].Slot);
        if (_count > PrefetchAheadThreshold) Prefetch(keys[1 + MinOfFourOutOfLine(ref keys[1])].Slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void Prefetch(int slot)
    {
        // A hint only: it cannot fault, and a stale address after the GC moved the array is merely useless.
        if (Sse.IsSupported && slot >= 0) Sse.Prefetch0(Unsafe.AsPointer(ref _slots[slot]));
    }

    private void Grow()
    {
        int oldCapacity = _slots.Length;
        int capacity = oldCapacity * 2;
        Array.Resize(ref _slots, capacity);
        Array.Resize(ref _freeSlots, capacity);
        var keys = new EventKey[capacity + Arity];
        keys.AsSpan().Fill(Sentinel);
        _keys.AsSpan(0, Occupied).CopyTo(keys);
        _keys = keys;
        PushFreeSlots(oldCapacity, capacity);
    }

    /// <summary>Pushes slots [from, to) so that the lowest index is handed out first.</summary>
    private void PushFreeSlots(int from, int to)
    {
        for (int slot = to - 1; slot >= from; slot--) _freeSlots[_freeCount++] = slot;
    }
}
