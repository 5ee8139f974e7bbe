using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

/// <summary>
/// The future event set (<see cref="EventCalendar"/>) against a sorted reference: exact (time, seq) order under
/// random, tie-heavy, bimodal and growing/shrinking workloads, across its resizes and its two tiers.
/// </summary>
public class EventCalendarTests
{
    private const long Nanosecond = 1_000;
    private static readonly IEventTarget Target = new EventLog();

    public enum Delays
    {
        Exponential, // Exp(100 ns): the hold model
        TieHeavy, // a few distinct delays, so many events share a time
        Bimodal, // 90 % Exp(100 ns), 10 % Exp(10 ms): packets and timers
        Spread, // uniform over 12 orders of magnitude
    }

    [Theory]
    [InlineData(1, 10)] // many equal times: the (time, seq) tie-break does the work
    [InlineData(2, 1_000_000)]
    [InlineData(3, 1_000_000_000_000)] // far beyond the wheel: mostly the far tier
    public void Random_operations_at_any_times_match_a_sorted_reference(ulong seed, long timeRange)
    {
        // Times are not monotone here: pushes before the last event taken land in the current bucket.
        var rng = new RandomStream(seed);
        var calendar = new EventCalendar(initialCapacity: 16); // slots grow several times
        var reference = new Reference(calendar);
        for (int step = 0; step < 200_000; step++)
        {
            int op = rng.Next(100);
            if (op < 55 || reference.Count == 0) reference.Push(rng.NextInt64(timeRange));
            else if (op < 95) reference.PopAndCheck();
            else if (op < 99) reference.PeekAndCheck();
            else reference.Clear();
        }
        reference.Drain();
    }

    [Theory]
    [InlineData(Delays.Exponential, 1_000)]
    [InlineData(Delays.Exponential, 20_000)]
    [InlineData(Delays.TieHeavy, 1_000)]
    [InlineData(Delays.Bimodal, 1_000)]
    [InlineData(Delays.Bimodal, 20_000)]
    [InlineData(Delays.Spread, 2_000)]
    public void A_hold_workload_matches_a_sorted_reference(Delays delays, int pending)
    {
        var rng = new RandomStream((ulong)pending + (ulong)delays);
        var calendar = new EventCalendar();
        var reference = new Reference(calendar);
        for (int i = 0; i < pending; i++) reference.Push(Draw(rng, delays));
        for (int step = 0; step < 150_000; step++)
        {
            long now = reference.PopAndCheck().Time;
            reference.Push(now + Draw(rng, delays));
            if (step % 1000 == 0) reference.PeekAndCheck();
        }
        reference.Drain();
    }

    [Fact]
    public void A_growing_then_shrinking_population_keeps_the_order_and_resizes_the_wheel()
    {
        var rng = new RandomStream(7);
        var calendar = new EventCalendar(initialCapacity: 16);
        var reference = new Reference(calendar);
        long now = 0;
        void Step(int pushes)
        {
            now = reference.PopAndCheck().Time;
            for (int i = 0; i < pushes; i++) reference.Push(now + Draw(rng, Delays.Exponential));
        }
        reference.Push(1);
        for (int i = 0; i < 40_000; i++) Step(pushes: 2); // grows to 40,001
        for (int i = 0; i < 40_000; i++) Step(pushes: 1); // steady, so the epochs (as long as the wheel) fit it
        Assert.Equal(40_001, calendar.Count);
        Assert.InRange(calendar.BucketCount, 40_001, 4 * 40_001); // a power of two between the count and 4× it
        long wideGap = calendar.BucketWidth;

        for (int i = 0; i < 39_990; i++) Step(pushes: 0); // shrinks to 11
        for (int i = 0; i < 30_000; i++) Step(pushes: 1);
        Assert.Equal(11, calendar.Count);
        Assert.Equal(64, calendar.BucketCount); // the minimum: one bitmap word
        Assert.True(calendar.BucketWidth > wideGap, "fewer events, wider gaps, wider buckets");

        for (int i = 0; i < 30_000; i++) Step(pushes: 2); // and grows again
        reference.Drain();
    }

    [Fact]
    public void The_bucket_width_follows_the_mean_gap_between_events()
    {
        var rng = new RandomStream(8);
        var calendar = new EventCalendar();
        var reference = new Reference(calendar);
        long mean = 100 * Nanosecond;
        for (int i = 0; i < 1000; i++) reference.Push((long)(ExponentialZiggurat.Sample(rng) * mean) + 1);
        void Run(int events)
        {
            for (int i = 0; i < events; i++)
            {
                long now = reference.PopAndCheck().Time;
                reference.Push(now + (long)(ExponentialZiggurat.Sample(rng) * mean) + 1);
            }
        }

        Run(50_000);
        // 1,000 events Exp(100 ns) ahead: the mean gap is 100 ps and a bucket spans 8-16 gaps, to within the 2×
        // the calendar tolerates before it rebuilds.
        Assert.InRange(calendar.BucketWidth, 400, 3200);

        mean = 1_000_000 * Nanosecond; // 1 ms: gaps of 1 µs
        Run(50_000);
        Assert.InRange(calendar.BucketWidth, 4_000_000, 32_000_000);
        reference.Drain();
    }

    [Fact]
    public void A_dense_burst_into_one_wide_bucket_narrows_the_buckets()
    {
        var rng = new RandomStream(9);
        var calendar = new EventCalendar();
        var reference = new Reference(calendar);
        reference.Push(1);
        for (int i = 0; i < 5_000; i++) reference.Push(reference.PopAndCheck().Time + 1_000_000); // a lone event: one unbounded bucket
        long wide = calendar.BucketWidth;
        long now = reference.PopAndCheck().Time;
        for (int i = 0; i < 20_000; i++) reference.Push(now + 1 + rng.NextInt64(1_000_000)); // all within 1 µs, in random order
        Assert.True(calendar.BucketWidth < wide / 1000, $"width {calendar.BucketWidth} ps after {wide} ps");
        reference.Drain();
    }

    [Fact]
    public void Far_events_wait_in_the_far_tier_and_come_back_in_order()
    {
        var calendar = new EventCalendar();
        var reference = new Reference(calendar);
        for (int i = 0; i < 100; i++) reference.Push(200_000_000_000 + (i % 7)); // 200 ms timers, ties included
        for (int i = 0; i < 100; i++) reference.Push(1 + i);
        Assert.True(calendar.FarCount > 0);
        reference.Push(long.MaxValue - 1); // "never", with no overflow in the bucket arithmetic
        reference.Push(long.MaxValue);
        reference.Drain();
        Assert.Equal(long.MaxValue, calendar.TopTime);
    }

    [Fact]
    public void Clear_empties_every_tier_and_the_calendar_is_usable_again()
    {
        var calendar = new EventCalendar();
        var reference = new Reference(calendar);
        for (int i = 0; i < 3000; i++)
        {
            reference.Push(i * 100L); // the current bucket and the wheel
            reference.Push(i * 1_000_000L); // mostly the far tier
        }
        for (int i = 0; i < 10; i++) reference.PopAndCheck();
        reference.Clear();
        Assert.Equal(0, calendar.Count);
        Assert.Throws<InvalidOperationException>(() => calendar.Pop());
        Assert.Throws<InvalidOperationException>(() => calendar.Peek());
        for (int i = 0; i < 100; i++) reference.Push(5 + (i % 3));
        reference.Drain();
    }

    [Fact]
    public void CountPayloads_counts_pending_payloads_in_every_tier()
    {
        var calendar = new EventCalendar();
        var marked = new object();
        long seq = 0;
        void Push(long time, object? payload) => calendar.Push(new SimEvent(time, seq++, Target, 0, 0, payload, 0));
        Push(1, marked); // the current bucket, once opened
        Push(10_000, marked); // the wheel
        Push(5_000_000_000_000, marked); // the far tier
        Push(3, "other");
        Push(4, null);
        Assert.Equal(1, calendar.FarCount);
        Assert.Equal(3, calendar.CountPayloads(p => ReferenceEquals(p, marked)));
        Assert.Same(marked, calendar.Pop().Payload);
        Assert.Equal(2, calendar.CountPayloads(p => ReferenceEquals(p, marked)));
        Assert.Equal(1, calendar.CountPayloads(p => p is string));
    }

    [Fact]
    public void Popped_events_are_released_so_the_calendar_keeps_no_payload_alive()
    {
        var calendar = new EventCalendar();
        WeakReference weak = PushPopWithPayload(calendar);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.False(weak.IsAlive);
        GC.KeepAlive(calendar);
    }

    [Fact]
    public void A_warmed_up_simulator_allocates_nothing_across_resizes_and_tiers()
    {
        // Bimodal delays (far tier in use), a population that swings between 200 and 2,000 and a mean that
        // switches between 100 ns and 10 µs: the wheel is rebuilt for new widths and bucket counts all along.
        var sim = new Simulator();
        var model = new SwingingHold(sim, new RandomStream(10));
        (int Population, long Mean)[] phases = [(2_000, 100 * Nanosecond), (200, 10_000 * Nanosecond), (2_000, 10_000 * Nanosecond), (200, 100 * Nanosecond)];
        long horizon = 0;
        void Cycle()
        {
            foreach ((int population, long mean) in phases)
            {
                model.Population = population;
                model.Mean = mean;
                horizon += 5_000 * mean; // ≈ population × 50 events
                sim.RunUntil(new SimTime(horizon));
            }
        }
        for (int i = 0; i < 3; i++) Cycle(); // warm-up: every array at its working size

        long before = GC.GetAllocatedBytesForCurrentThread();
        long eventsBefore = sim.EventsProcessed;
        long rebuildsBefore = sim.Events.Rebuilds;
        Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sim.EventsProcessed - eventsBefore > 100_000);
        Assert.True(sim.Events.Rebuilds - rebuildsBefore >= 4, $"{sim.Events.Rebuilds - rebuildsBefore} rebuilds");
        Assert.True(sim.Events.FarCount > 0);
        Assert.Equal(0, allocated);
    }

    private static long Draw(RandomStream rng, Delays delays) => delays switch
    {
        Delays.Exponential => (long)(ExponentialZiggurat.Sample(rng) * 100 * Nanosecond) + 1,
        Delays.TieHeavy => 1000 * (1 + rng.Next(3)),
        Delays.Bimodal => (long)(ExponentialZiggurat.Sample(rng) * (rng.Next(10) == 0 ? 10_000_000 : 100) * Nanosecond) + 1,
        _ => (long)Math.Pow(10, rng.NextDouble() * 12),
    };

    private static WeakReference PushPopWithPayload(EventCalendar calendar)
    {
        var payload = new byte[64];
        calendar.Push(new SimEvent(5, 0, Target, 0, 0, payload, 0));
        calendar.Push(new SimEvent(9, 1, Target, 0, 0, null, 0));
        Assert.Same(payload, calendar.Pop().Payload);
        return new WeakReference(payload);
    }

    /// <summary>Pushes to the calendar and to a sorted set side by side, and checks every event taken against it.</summary>
    private sealed class Reference(EventCalendar calendar)
    {
        private readonly SortedSet<(long Time, long Seq)> _expected = [];
        private long _seq;

        public int Count => _expected.Count;

        public void Push(long time)
        {
            calendar.Push(new SimEvent(time, _seq, Target, kind: 0, arg: _seq, payload: null, node: 0));
            _expected.Add((time, _seq++));
            Assert.Equal(_expected.Count, calendar.Count);
        }

        public SimEvent PopAndCheck()
        {
            SimEvent ev = calendar.Pop();
            Check(ev);
            _expected.Remove((ev.Time, ev.Seq));
            Assert.Equal(_expected.Count, calendar.Count);
            return ev;
        }

        public void PeekAndCheck()
        {
            Check(calendar.Peek());
            Assert.Equal(_expected.Min.Time, calendar.TopTime);
            Assert.Equal(_expected.Min.Seq, calendar.TopSeq);
        }

        public void Clear()
        {
            calendar.Clear();
            _expected.Clear();
        }

        public void Drain()
        {
            while (_expected.Count > 0) PopAndCheck();
            Assert.Equal(0, calendar.Count);
        }

        private void Check(in SimEvent ev)
        {
            Assert.Equal(_expected.Min, (ev.Time, ev.Seq));
            Assert.Equal(ev.Seq, ev.Arg); // the payload travelled with its key
        }
    }

    /// <summary>A hold model whose population and mean delay can change between runs; 10 % of delays are 1,000× longer.</summary>
    private sealed class SwingingHold(Simulator sim, RandomStream rng) : IEventTarget
    {
        private int _pending;
        private int _population;

        public long Mean { get; set; }

        /// <summary>Pending events to keep; raising it schedules the difference now, lowering it lets events lapse.</summary>
        public int Population
        {
            get => _population;
            set
            {
                _population = value;
                while (_pending < value) ScheduleOne();
            }
        }

        public void OnEvent(in SimEvent ev)
        {
            _pending--;
            while (_pending < Population) ScheduleOne(); // grow back (or keep one successor)
        }

        private void ScheduleOne()
        {
            double mean = rng.Next(10) == 0 ? Mean * 1000.0 : Mean;
            _pending++;
            sim.Schedule(new SimTime((long)(ExponentialZiggurat.Sample(rng) * mean) + 1), this, kind: 0);
        }
    }
}
