using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

/// <summary>The future event set against a sorted reference, under random pushes, pops, takes, peeks and clears.</summary>
public class EventHeapTests
{
    private static readonly IEventTarget Target = new EventLog();

    private static SimEvent Event(long time, long seq) => new(time, seq, Target, kind: 0, arg: seq, payload: null, node: 0);

    [Theory]
    [InlineData(1, 10)] // many equal times: the (time, seq) tie-break does the work
    [InlineData(2, 1_000_000)] // mostly distinct times
    public void Random_operations_match_a_sorted_reference(ulong seed, int timeRange)
    {
        var rng = new RandomStream(seed);
        var heap = new EventHeap(initialCapacity: 16); // grows several times
        var reference = new SortedSet<(long Time, long Seq)>();
        long seq = 0;

        for (int step = 0; step < 200_000; step++)
        {
            int op = rng.Next(100);
            if (op < 55 || reference.Count == 0)
            {
                long time = rng.Next(timeRange);
                heap.Push(Event(time, seq));
                reference.Add((time, seq++));
            }
            else if (op < 75) AssertTop(reference, heap.Pop(), remove: true);
            else if (op < 95) AssertTop(reference, heap.TakeTop(), remove: true); // leaves the root vacant
            else if (op < 99) AssertTop(reference, heap.Peek(), remove: false);
            else
            {
                heap.Clear();
                reference.Clear();
            }
            Assert.Equal(reference.Count, heap.Count);
        }
        while (reference.Count > 0) AssertTop(reference, heap.Pop(), remove: true);
        Assert.Equal(0, heap.Count);
    }

    [Theory]
    [InlineData(3, 50)] // ties at every level
    [InlineData(4, 10_000_000)]
    public void A_deep_heap_matches_a_sorted_reference(ulong seed, int timeRange)
    {
        // 30,000 keys: 8 levels, so the descent runs through its unrolled top levels and its loop below them.
        var rng = new RandomStream(seed);
        var heap = new EventHeap(initialCapacity: 16);
        var reference = new SortedSet<(long Time, long Seq)>();
        long seq = 0, now = 0;
        void Push(long time)
        {
            heap.Push(Event(time, seq));
            reference.Add((time, seq++));
        }
        for (int i = 0; i < 30_000; i++) Push(rng.Next(timeRange));
        for (int step = 0; step < 100_000; step++)
        {
            SimEvent top = rng.Next(4) == 0 ? heap.Pop() : heap.TakeTop(); // mostly through the vacant root
            AssertTop(reference, top, remove: true);
            now = top.Time;
            Push(now + rng.Next(timeRange)); // a successor, as in the hold model
        }
        while (reference.Count > 0) AssertTop(reference, heap.Pop(), remove: true);
    }

    [Fact]
    public void A_key_pushed_into_a_vacant_root_is_ordered_against_the_rest()
    {
        var heap = new EventHeap();
        for (int i = 0; i < 50; i++) heap.Push(Event(100 + i, i));
        Assert.Equal(100, heap.TakeTop().Time);
        heap.Push(Event(500, 50)); // lands in the vacant root and must sink
        heap.Push(Event(101, 51)); // same time as a pending event, later insertion
        long[] expected = [101, 101, .. Enumerable.Range(102, 48).Select(t => (long)t), 500];
        long[] seqOf101 = [1, 51];
        var popped = new List<SimEvent>();
        while (heap.Count > 0) popped.Add(heap.Pop());
        Assert.Equal(expected, popped.Select(e => e.Time));
        Assert.Equal(seqOf101, popped.Take(2).Select(e => e.Seq));
    }

    [Fact]
    public void Popping_an_empty_heap_throws()
    {
        var heap = new EventHeap();
        heap.Push(Event(1, 0));
        heap.TakeTop();
        Assert.Equal(0, heap.Count);
        Assert.Throws<InvalidOperationException>(() => heap.Pop());
    }

    [Fact]
    public void Popped_events_are_released_so_the_heap_keeps_no_payload_alive()
    {
        var heap = new EventHeap();
        WeakReference weak = PushPopWithPayload(heap);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.False(weak.IsAlive);
        GC.KeepAlive(heap);
    }

    private static WeakReference PushPopWithPayload(EventHeap heap)
    {
        var payload = new byte[64];
        heap.Push(new SimEvent(5, 0, Target, 0, 0, payload, 0));
        heap.Push(Event(9, 1));
        Assert.Same(payload, heap.Pop().Payload);
        return new WeakReference(payload);
    }

    private static void AssertTop(SortedSet<(long Time, long Seq)> reference, in SimEvent ev, bool remove)
    {
        var expected = reference.Min;
        Assert.Equal(expected, (ev.Time, ev.Seq));
        Assert.Equal(expected.Seq, ev.Arg); // the payload travelled with its key
        if (remove) reference.Remove(expected);
    }
}
