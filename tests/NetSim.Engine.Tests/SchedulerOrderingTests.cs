using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

public class SchedulerOrderingTests
{
    [Fact]
    public void Events_run_in_time_order()
    {
        var sim = new Simulator();
        var log = new EventLog();
        foreach (long t in new long[] { 50, 10, 40, 20, 30 }) sim.ScheduleAtPicoseconds(t, log, kind: (int)t);
        sim.Run();
        Assert.Equal(new long[] { 10, 20, 30, 40, 50 }, log.Seen.Select(e => e.Time));
    }

    [Fact]
    public void Same_time_events_run_in_insertion_order()
    {
        var sim = new Simulator();
        var log = new EventLog();
        for (int i = 0; i < 100; i++) sim.ScheduleAtPicoseconds(i % 2 == 0 ? 7 : 3, log, kind: 0, arg: i);
        sim.Run();
        long[] expected = [.. Enumerable.Range(0, 100).Where(i => i % 2 == 1).Select(i => (long)i),
                           .. Enumerable.Range(0, 100).Where(i => i % 2 == 0).Select(i => (long)i)];
        Assert.Equal(expected, log.Seen.Select(e => e.Arg));
    }

    [Fact]
    public void A_zero_delay_event_waits_behind_heap_events_already_due_at_the_same_time()
    {
        var sim = new Simulator();
        EventLog? log = null;
        log = new EventLog(ev =>
        {
            if (ev.Arg == 1) sim.Schedule(SimTime.Zero, log!, kind: 0, arg: 4); // due now, goes to the lane
        });
        for (int i = 1; i <= 3; i++) sim.ScheduleAtPicoseconds(10, log, kind: 0, arg: i); // all in the heap
        sim.Run();
        Assert.Equal(new long[] { 1, 2, 3, 4 }, log.Seen.Select(e => e.Arg));
    }

    [Fact]
    public void Events_scheduled_for_time_zero_before_the_run_interleave_with_the_heap_by_insertion_order()
    {
        var sim = new Simulator();
        var log = new EventLog();
        sim.ScheduleAtPicoseconds(0, log, 0, arg: 1); // lane
        sim.ScheduleAtPicoseconds(5, log, 0, arg: 2); // heap
        sim.ScheduleAtPicoseconds(0, log, 0, arg: 3); // lane
        sim.Run();
        Assert.Equal(new long[] { 1, 3, 2 }, log.Seen.Select(e => e.Arg));
    }

    [Fact]
    public void A_random_cascade_runs_in_exact_time_then_insertion_order()
    {
        // Every event schedules 0-2 more at delays from {0, 1, 2, 3} ps, so ties between heap and lane abound.
        var sim = new Simulator(initialCapacity: 16); // small, so the heap and lane both grow during the run
        var rng = new RandomStream(7);
        long scheduled = 0;
        var order = new List<(long Time, long Seq)>();
        EventLog? log = null;
        log = new EventLog(ev =>
        {
            order.Add((ev.Time, ev.Arg));
            if (scheduled >= 50_000) return;
            int children = rng.Next(3);
            for (int c = 0; c < children; c++) sim.Schedule(new SimTime(rng.Next(4)), log!, 0, arg: scheduled++);
        });
        for (int i = 0; i < 300; i++) sim.ScheduleAtPicoseconds(rng.Next(20), log, 0, arg: scheduled++);
        sim.Run();

        Assert.Equal(scheduled, order.Count);
        for (int i = 1; i < order.Count; i++)
        {
            var (t0, s0) = order[i - 1];
            var (t1, s1) = order[i];
            Assert.True(t0 < t1 || (t0 == t1 && s0 < s1), $"event {i}: ({t1}, #{s1}) ran after ({t0}, #{s0})");
        }
    }

    [Fact]
    public void The_same_time_lane_keeps_fifo_order_when_it_wraps_around_and_grows()
    {
        var sim = new Simulator();
        var order = new List<long>();
        EventLog? log = null;
        log = new EventLog(ev =>
        {
            order.Add(ev.Arg);
            if (ev.Arg is -1 or -2) // burst: 200 zero-delay events at t = 5 (moves the ring's head), 300 at t = 10
                for (int i = 0; i < (ev.Arg == -1 ? 200 : 300); i++) sim.Schedule(SimTime.Zero, log!, 0, arg: (ev.Time * 1000) + i);
        });
        sim.ScheduleAtPicoseconds(5, log, 0, arg: -1);
        sim.ScheduleAtPicoseconds(10, log, 0, arg: -2);
        sim.ScheduleAtPicoseconds(10, log, 0, arg: -3); // in the heap, due at 10, scheduled before the burst
        sim.Run();

        long[] expected = [-1, .. Enumerable.Range(0, 200).Select(i => 5000L + i), -2, -3, .. Enumerable.Range(0, 300).Select(i => 10000L + i)];
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Scheduling_in_the_past_throws()
    {
        var sim = new Simulator();
        var log = new EventLog(_ => sim.ScheduleAtPicoseconds(5, new EventLog(), 0));
        sim.ScheduleAtPicoseconds(10, log, 0);
        Assert.Throws<InvalidOperationException>(sim.Run);
    }
}
