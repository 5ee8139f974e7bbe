using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NetSim.Engine.Core;

/// <summary>
/// The future event set: a calendar queue (Brown 1988) in two tiers, ordered exactly by (time, seq).
/// <list type="bullet">
/// <item>Near tier: a wheel of 2^k buckets, each 2^s picoseconds wide, covering the buckets after the current
/// one. A bucket is an unsorted singly linked list of slots (a push is O(1)); a bitmap of non-empty buckets lets
/// the search for the next one skip 64 buckets per word.</item>
/// <item>Current bucket: when the wheel reaches a bucket, its keys move into a <see cref="SortedBucket"/> and are
/// sorted once (a handful of keys); events are taken from its front. Sorting late rather than on every push is the
/// idea of Rönngren's lazy queue and of the ladder queue's bottom.</item>
/// <item>Far tier: events at or past the wheel's end (one "year" ahead) wait in an <see cref="EventHeap"/> and
/// move into the wheel as the current bucket advances. Skewed workloads (most events ns-µs ahead, timers at ms-s)
/// keep the timers there without spreading the wheel thin.</item>
/// </list>
/// Resizing is deterministic (it depends only on the event times, never on the clock), and order never depends
/// on it. Every <see cref="EpochPops"/> pops (at least the bucket count), the width is set to 8-16 mean gaps
/// between the processed events, and the bucket count to the power of two between the pending count and four
/// times it; the queue is rebuilt only when the width is off by 4× or the count changes. A set of at most
/// <see cref="SmallSet"/> events uses one unbounded bucket (a sorted array). If in-order inserts into the
/// current bucket shift more than about four keys per pending event, the buckets are narrowed at once.
/// Arrays only grow (amortised, never per event); a wheel that shrinks keeps its arrays.
/// </summary>
public sealed class EventCalendar
{
    private const int MinBuckets = 64; // one bitmap word
    private const int EpochPops = 4096;
    private const int SmallSet = 8;
    private const int InitialShift = 12; // 4 ns buckets until the first epoch has measured the gaps
    private const int WidthInGapsLog2 = 3; // a bucket spans 8-16 mean gaps: a few keys to sort per bucket
    private const int MaxShift = 62; // one bucket holds every time up to 2^62 ps (53 days)
    private const int NoSlot = -1;

    private readonly EventHeap _far;
    private SortedBucket _current;
    private EventRecord[] _records; // each event's other fields, by slot
    private SlotLink[] _links; // the key and next slot of events in the wheel, by slot
    private int[] _freeSlots; // LIFO, so a just-freed slot is reused while cached
    private int _freeCount;
    private int[] _heads; // first slot of each wheel bucket's list, NoSlot when empty
    private ulong[] _occupied; // bit per wheel bucket: its list is not empty
    private int _mask; // bucket count - 1
    private int _wordMask; // bitmap words in use - 1
    private int _shift; // bucket width = 2^_shift ps
    private long _currentBucket; // absolute bucket number (time >> _shift) of the current bucket
    private int _nearCount; // events in the current bucket and the wheel
    private int _wheelCount;
    private EventKey[] _scratch; // a rebuild's gathered keys (as many as there are slots)
    private long _moveBudget; // in-order insert shifts allowed before the buckets are narrowed
    private int _epochLeft;
    private long _epochStart = -1; // time of the pop that began the epoch; -1 after a clear
    private SimEvent _peeked; // what Peek last returned a reference to

    public EventCalendar(int initialCapacity = 1024)
    {
        int capacity = Math.Max(16, initialCapacity);
        _records = new EventRecord[capacity];
        _links = new SlotLink[capacity];
        _freeSlots = new int[capacity];
        PushFreeSlots(0, capacity);
        // Sized for the expected population up front, so a warmed-up run rarely meets a first-time growth.
        _scratch = new EventKey[capacity];
        _current = new SortedBucket(256);
        _far = new EventHeap(Math.Min(capacity, 4096));
        _shift = InitialShift;
        _heads = new int[Math.Max(MinBuckets, (int)BitOperations.RoundUpToPowerOf2((uint)capacity))];
        _occupied = new ulong[_heads.Length / 64];
        AllocateWheel(MinBuckets);
        StartEpoch(0);
        ResetMoveBudget();
    }

    /// <summary>Pending events.</summary>
    public int Count => _nearCount + _far.Count;

    /// <summary>Bucket width in picoseconds (for tests and diagnostics).</summary>
    internal long BucketWidth => 1L << _shift;

    /// <summary>Number of wheel buckets (for tests and diagnostics).</summary>
    internal int BucketCount => _mask + 1;

    /// <summary>Events waiting in the far tier (for tests and diagnostics).</summary>
    internal int FarCount => _far.Count;

    /// <summary>How many times the wheel was rebuilt for a new width or bucket count (for tests and diagnostics).</summary>
    internal long Rebuilds { get; private set; }

    /// <summary>The earliest event's time; long.MaxValue when empty.</summary>
    internal long TopTime
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _current.IsEmpty && !OpenNextBucket() ? long.MaxValue : _current.First.Time;
    }

    /// <summary>The earliest event's insertion number; long.MaxValue when empty.</summary>
    internal long TopSeq
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _current.IsEmpty && !OpenNextBucket() ? long.MaxValue : _current.First.Seq;
    }

    /// <summary>
    /// The earliest event; only valid when <see cref="Count"/> is positive. The reference is to a copy that
    /// stays valid until the next call.
    /// </summary>
    public ref readonly SimEvent Peek()
    {
        if (_current.IsEmpty && !OpenNextBucket()) throw new InvalidOperationException("cannot peek into an empty event calendar");
        EventKey top = _current.First;
        _peeked = _records[top.Slot].ToEvent(top.Time, top.Seq);
        return ref _peeked;
    }

    public void Clear()
    {
        Array.Clear(_records); // drop references so pooled packets are not kept alive
        _peeked = default;
        _far.Clear();
        _current.Clear();
        AllocateWheel(_mask + 1);
        _nearCount = 0;
        _wheelCount = 0;
        _freeCount = 0;
        PushFreeSlots(0, _records.Length);
        StartEpoch(-1);
        ResetMoveBudget();
    }

    /// <summary>Counts pending events whose payload matches (not for the hot path).</summary>
    public long CountPayloads(Predicate<object> match)
    {
        long n = _far.CountPayloads(match);
        foreach (EventRecord record in _records) // free slots hold no payload
            if (record.Payload is { } o && match(o)) n++;
        return n;
    }

    public void Push(in SimEvent ev) => Push(ev.Time, ev.Seq, ev.Target, ev.Kind, ev.Arg, ev.Payload, ev.Node);

    /// <summary>
    /// Adds an event given field by field (the scheduler's path: no <see cref="SimEvent"/> is built). Times are
    /// non-negative; pushing before the last event taken is allowed (it lands in the current bucket).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Push(long time, long seq, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        long ahead = (time >> _shift) - _currentBucket; // buckets after the current one; both terms are >= 0
        if (ahead > _mask)
        {
            PushFar(time, seq, target, kind, arg, payload, node);
            return;
        }
        int slot = RentSlot();
        _records[slot].Set(target, kind, arg, payload, node);
        if (ahead > 0) Link(slot, time, seq, ahead);
        else AddToCurrent(time, seq, slot);
    }

    /// <summary>Out of line: the far tier's push is large and rare on the hot path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushFar(long time, long seq, IEventTarget target, int kind, long arg, object? payload, int node) =>
        _far.Push(time, seq, target, kind, arg, payload, node);

    public SimEvent Pop()
    {
        if (!TryTakeTop(long.MaxValue, out SimEvent ev)) throw new InvalidOperationException("cannot pop from an empty event calendar");
        return ev;
    }

    /// <summary>Removes and returns the earliest event if it is due at or before <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryTakeTop(long end, out SimEvent ev)
    {
        if (_current.IsEmpty && !OpenNextBucket())
        {
            ev = default;
            return false;
        }
        EventKey top = _current.First;
        if (top.Time > end)
        {
            ev = default;
            return false;
        }
        _current.RemoveFirst();
        ref EventRecord record = ref _records[top.Slot];
        ev = record.ToEvent(top.Time, top.Seq);
        record.Release();
        _freeSlots[_freeCount++] = top.Slot;
        _nearCount--;
        if (--_epochLeft == 0) EndEpoch(top.Time);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RentSlot()
    {
        if (_freeCount == 0) GrowSlots();
        _nearCount++;
        return _freeSlots[--_freeCount];
    }

    /// <summary>Adds an event to the wheel bucket <paramref name="ahead"/> (1 .. count-1) after the current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Link(int slot, long time, long seq, long ahead)
    {
        int bucket = (int)(_currentBucket + ahead) & _mask;
        ref SlotLink link = ref _links[slot];
        link.Time = time;
        link.Seq = seq;
        link.Next = _heads[bucket];
        _heads[bucket] = slot;
        _occupied[bucket >> 6] |= 1UL << bucket; // the shift count is taken mod 64
        _wheelCount++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToCurrent(long time, long seq, int slot)
    {
        _current.Add(time, seq, slot);
        if (_current.Moves > _moveBudget) NarrowBuckets();
    }

    /// <summary>The current bucket is empty: makes the next non-empty bucket current. False when the set is empty.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool OpenNextBucket()
    {
        if (_wheelCount > 0) OpenBucket(NextOccupiedBucket());
        else if (_far.Count > 0) OpenBucket(_far.TopTime >> _shift); // the wheel is empty: jump to the far tier
        else return false;
        return true;
    }

    /// <summary>The absolute number of the first non-empty wheel bucket after the current one (one must exist).</summary>
    private long NextOccupiedBucket()
    {
        int start = (int)(_currentBucket + 1) & _mask;
        ulong[] occupied = _occupied;
        int wordMask = _wordMask;
        int word = start >> 6;
        ulong bits = occupied[word] & (~0UL << start); // the shift count is taken mod 64
        while (bits == 0)
        {
            word = (word + 1) & wordMask; // wraps round to the start word's low bits last
            bits = occupied[word];
        }
        int bucket = (word << 6) + BitOperations.TrailingZeroCount(bits);
        return _currentBucket + 1 + ((bucket - start) & _mask);
    }

    /// <summary>Makes absolute bucket <paramref name="bucket"/> current: sorts its keys, then pulls in far events the wheel now covers.</summary>
    private void OpenBucket(long bucket)
    {
        _currentBucket = bucket;
        int index = (int)bucket & _mask;
        int slot = _heads[index];
        if (slot != NoSlot)
        {
            _heads[index] = NoSlot;
            _occupied[index >> 6] &= ~(1UL << index);
            MoveListToCurrent(slot);
        }
        if (_far.Count > 0) PullFromFar();
    }

    private void MoveListToCurrent(int slot)
    {
        SlotLink[] links = _links;
        int moved = 0;
        while (slot != NoSlot)
        {
            ref SlotLink link = ref links[slot];
            _current.AppendUnsorted(new EventKey(link.Time, link.Seq, slot));
            PrefetchRecord(slot); // it is read when the event is taken, soon
            slot = link.Next;
            moved++;
        }
        _wheelCount -= moved;
        _current.Sort();
    }

    /// <summary>Moves far events that the wheel now covers into it.</summary>
    private void PullFromFar()
    {
        while (_far.Count > 0 && (_far.TopTime >> _shift) - _currentBucket <= _mask)
        {
            SimEvent ev = _far.Pop();
            long ahead = (ev.Time >> _shift) - _currentBucket;
            int slot = RentSlot();
            _records[slot].Set(ev.Target, ev.Kind, ev.Arg, ev.Payload, ev.Node);
            if (ahead > 0) Link(slot, ev.Time, ev.Seq, ahead);
            else _current.Insert(new EventKey(ev.Time, ev.Seq, slot));
        }
    }

    private void StartEpoch(long now)
    {
        _epochLeft = Math.Max(EpochPops, _mask + 1);
        _epochStart = now;
    }

    /// <summary>Re-fits the bucket width to the mean gap between the epoch's events and the bucket count to the pending count.</summary>
    private void EndEpoch(long now)
    {
        int pops = Math.Max(EpochPops, _mask + 1);
        int count = Count;
        int shift = _shift;
        if (count <= SmallSet) shift = MaxShift;
        else if (_epochStart >= 0 && now >= _epochStart) shift = ShiftForGap((now - _epochStart) / pops);
        if (Math.Abs(shift - _shift) < 2) shift = _shift; // within 2× of the fit: not worth a rebuild
        int buckets = _mask + 1;
        while (buckets < count) buckets *= 2;
        while (buckets > MinBuckets && buckets > 4 * count) buckets /= 2;
        if (shift != _shift || buckets != _mask + 1) Rebuild(shift, buckets, now);
        StartEpoch(now);
    }

    /// <summary>
    /// In-order inserts into the current bucket shifted too many keys (it spans too many events): halves the width
    /// at least, down to 8-16 times the current bucket's mean gap.
    /// </summary>
    private void NarrowBuckets()
    {
        ref readonly EventKey first = ref _current.First;
        long gap = (_current.Last.Time - first.Time) / Math.Max(1, _current.Count - 1);
        int shift = Math.Min(_shift - 1, ShiftForGap(gap));
        if (shift >= 0) Rebuild(shift, _mask + 1, first.Time);
        else ResetMoveBudget(); // one-picosecond buckets already: equal times only, which append cheaply
    }

    private static int ShiftForGap(long gap)
    {
        int bits = gap <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)gap); // 2^bits > gap
        return Math.Min(MaxShift, bits + WidthInGapsLog2);
    }

    /// <summary>Re-places every near event for a new width and bucket count, with the current bucket at <paramref name="now"/>.</summary>
    private void Rebuild(int shift, int buckets, long now)
    {
        Rebuilds++;
        int gathered = GatherNearKeys();
        _current.Clear();
        AllocateWheel(buckets);
        _shift = shift;
        _currentBucket = now >> shift;
        _wheelCount = 0;
        for (int i = 0; i < gathered; i++)
        {
            EventKey key = _scratch[i];
            long ahead = (key.Time >> shift) - _currentBucket;
            if (ahead > _mask) MoveToFar(key);
            else if (ahead > 0) Link(key.Slot, key.Time, key.Seq, ahead);
            else _current.AppendUnsorted(key);
        }
        _current.Sort();
        if (_far.Count > 0) PullFromFar();
        ResetMoveBudget();
    }

    /// <summary>Copies the keys of the current bucket and the wheel into the scratch array; returns how many.</summary>
    private int GatherNearKeys()
    {
        int n = 0;
        foreach (EventKey key in _current.Keys) _scratch[n++] = key;
        for (int bucket = 0; bucket <= _mask; bucket++)
        {
            for (int slot = _heads[bucket]; slot != NoSlot; slot = _links[slot].Next)
                _scratch[n++] = new EventKey(_links[slot].Time, _links[slot].Seq, slot);
        }
        return n;
    }

    private void MoveToFar(in EventKey key)
    {
        ref EventRecord record = ref _records[key.Slot];
        _far.Push(key.Time, key.Seq, record.Target!, record.Kind, record.Arg, record.Payload, record.Node);
        record.Release();
        _freeSlots[_freeCount++] = key.Slot;
        _nearCount--;
    }

    private void ResetMoveBudget()
    {
        _current.Moves = 0;
        _moveBudget = 4L * (Count + 1024);
    }

    /// <summary>Sets the bucket count and empties the wheel; the arrays only grow, so shrinking allocates nothing.</summary>
    private void AllocateWheel(int buckets)
    {
        if (_heads.Length < buckets)
        {
            _heads = new int[buckets];
            _occupied = new ulong[buckets / 64];
        }
        _mask = buckets - 1;
        _wordMask = (buckets / 64) - 1;
        _heads.AsSpan(0, buckets).Fill(NoSlot);
        _occupied.AsSpan(0, buckets / 64).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void PrefetchRecord(int slot)
    {
        // A hint only: it cannot fault, and a stale address after the GC moved the array is merely useless.
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _records[slot]));
    }

    private void GrowSlots()
    {
        int oldCapacity = _records.Length;
        int capacity = oldCapacity * 2;
        Array.Resize(ref _records, capacity);
        Array.Resize(ref _links, capacity);
        Array.Resize(ref _freeSlots, capacity);
        _scratch = new EventKey[capacity];
        PushFreeSlots(oldCapacity, capacity);
    }

    /// <summary>Pushes slots [from, to) so that the lowest index is handed out first.</summary>
    private void PushFreeSlots(int from, int to)
    {
        for (int slot = to - 1; slot >= from; slot--) _freeSlots[_freeCount++] = slot;
    }

    /// <summary>A wheel event's key and the next slot in its bucket's list.</summary>
    private struct SlotLink
    {
        public long Time;
        public long Seq;
        public int Next;
    }
}
