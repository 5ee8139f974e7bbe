using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// The calendar's current bucket: the keys of the earliest pending events, sorted by (time, seq) and taken from
/// the front. A bucket is sorted once when it becomes current (it holds a handful of keys); a key scheduled into
/// it later is appended when it sorts last (the usual case) or inserted in order. <see cref="Moves"/> counts the
/// keys such inserts shifted, so the calendar can narrow its buckets when the current one grows too full.
/// A mutable struct kept in a field of its owner (never copied), so each access is one indirection.
/// </summary>
internal struct SortedBucket
{
    private const int SortByInsertionUpTo = 32; // small buckets (the usual case): insertion sort
    private EventKey[] _keys;
    private int _head; // the first key still pending
    private int _end; // one past the last key

    public SortedBucket(int capacity) => _keys = new EventKey[Math.Max(16, capacity)];

    /// <summary>Keys shifted by in-order inserts since the owner last reset it.</summary>
    public long Moves { get; set; }

    public readonly bool IsEmpty
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _head == _end;
    }

    public readonly int Count => _end - _head;

    /// <summary>The earliest key; only valid when not <see cref="IsEmpty"/>.</summary>
    public readonly ref readonly EventKey First
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _keys[_head];
    }

    /// <summary>The latest key; only valid when not <see cref="IsEmpty"/>.</summary>
    public readonly ref readonly EventKey Last => ref _keys[_end - 1];

    /// <summary>The pending keys in order (not for the hot path).</summary>
    public readonly ReadOnlySpan<EventKey> Keys => _keys.AsSpan(_head, Count);

    /// <summary>Removes the earliest key (the bucket must not be empty); an emptied bucket restarts at index 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveFirst()
    {
        int head = _head + 1;
        if (head == _end) head = _end = 0;
        _head = head;
    }

    /// <summary>Adds a key in order: appended in place when it sorts last, otherwise inserted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long time, long seq, int slot)
    {
        int end = _end;
        EventKey[] keys = _keys;
        if ((uint)end < (uint)keys.Length && (end == _head || keys[end - 1].Time < time))
        {
            keys[end] = new EventKey(time, seq, slot);
            _end = end + 1;
        }
        else Insert(new EventKey(time, seq, slot));
    }

    /// <summary>Inserts a key in (time, seq) order, shifting the later keys up by one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Insert(EventKey key)
    {
        if (_end == _keys.Length) MakeRoom();
        EventKey[] keys = _keys;
        int i = _end;
        while (i > _head && EventKey.Less(key, keys[i - 1]))
        {
            keys[i] = keys[i - 1];
            i--;
        }
        keys[i] = key;
        Moves += _end - i;
        _end++;
    }

    /// <summary>Appends a key out of order (the bucket being filled); <see cref="Sort"/> must follow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendUnsorted(EventKey key)
    {
        if (_end == _keys.Length) MakeRoom();
        _keys[_end++] = key;
    }

    /// <summary>Sorts the keys appended since the bucket was last empty.</summary>
    public readonly void Sort()
    {
        EventKey[] keys = _keys;
        int n = _end;
        if (n - _head > SortByInsertionUpTo)
        {
            HeapSort(keys.AsSpan(_head, n - _head));
            return;
        }
        for (int i = _head + 1; i < n; i++)
        {
            EventKey key = keys[i];
            int j = i;
            while (j > _head && EventKey.Less(key, keys[j - 1]))
            {
                keys[j] = keys[j - 1];
                j--;
            }
            keys[j] = key;
        }
    }

    public void Clear() => _head = _end = 0;

    /// <summary>
    /// In-place heapsort for an oversized bucket (rare: the calendar narrows its buckets): O(n log n) worst case,
    /// and unlike the framework's sort it touches no lazily initialised statics, so it never allocates.
    /// </summary>
    private static void HeapSort(Span<EventKey> keys)
    {
        for (int i = (keys.Length / 2) - 1; i >= 0; i--) SiftDown(keys, i, keys.Length);
        for (int end = keys.Length - 1; end > 0; end--)
        {
            (keys[0], keys[end]) = (keys[end], keys[0]);
            SiftDown(keys, 0, end);
        }
    }

    /// <summary>Restores the max-heap order below <paramref name="root"/> in the first <paramref name="length"/> keys.</summary>
    private static void SiftDown(Span<EventKey> keys, int root, int length)
    {
        EventKey moving = keys[root];
        while (true)
        {
            int child = (2 * root) + 1;
            if (child >= length) break;
            if (child + 1 < length && EventKey.Less(keys[child], keys[child + 1])) child++;
            if (!EventKey.Less(moving, keys[child])) break;
            keys[root] = keys[child];
            root = child;
        }
        keys[root] = moving;
    }

    /// <summary>Makes room at the end: slides the keys down over taken ones, or doubles the array.</summary>
    private void MakeRoom()
    {
        int live = _end - _head;
        if (live < _keys.Length / 2) Array.Copy(_keys, _head, _keys, 0, live);
        else
        {
            var bigger = new EventKey[_keys.Length * 2];
            Array.Copy(_keys, _head, bigger, 0, live);
            _keys = bigger;
        }
        _head = 0;
        _end = live;
    }
}
