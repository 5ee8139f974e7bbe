using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// The future event set: an array-backed binary min-heap of <see cref="SimEvent"/> structs keyed by (time, seq).
/// Sifts move a hole instead of swapping, and the array only grows (amortised, never per event).
/// </summary>
public sealed class EventHeap
{
    private SimEvent[] _items;
    private int _count;

    public EventHeap(int initialCapacity = 1024) => _items = new SimEvent[Math.Max(16, initialCapacity)];

    public int Count => _count;

    /// <summary>The earliest event; only valid when <see cref="Count"/> is positive.</summary>
    public ref readonly SimEvent Peek() => ref _items[0];

    public void Clear()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
    }

    /// <summary>Counts pending events whose payload matches (not for the hot path).</summary>
    public long CountPayloads(Predicate<object> match)
    {
        long n = 0;
        for (int i = 0; i < _count; i++)
            if (_items[i].Payload is { } o && match(o)) n++;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(in SimEvent ev)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        SiftUp(_count++, ev);
    }

    public SimEvent Pop()
    {
        SimEvent[] items = _items;
        SimEvent top = items[0];
        int last = --_count;
        if (last > 0) SiftDown(items[last]);
        items[last] = default; // drop references so pooled packets are not kept alive by the array
        return top;
    }

    private void SiftUp(int hole, in SimEvent ev)
    {
        SimEvent[] items = _items;
        while (hole > 0)
        {
            int parent = (hole - 1) >> 1;
            if (!ev.Precedes(items[parent])) break;
            items[hole] = items[parent];
            hole = parent;
        }
        items[hole] = ev;
    }

    private void SiftDown(in SimEvent ev)
    {
        SimEvent[] items = _items;
        int count = _count;
        int hole = 0;
        while (true)
        {
            int child = (hole << 1) + 1;
            if (child >= count) break;
            int right = child + 1;
            if (right < count && items[right].Precedes(items[child])) child = right;
            if (!items[child].Precedes(ev)) break;
            items[hole] = items[child];
            hole = child;
        }
        items[hole] = ev;
    }
}
