using NetSim.Engine.Core;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

public class RunControlTests
{
    [Fact]
    public void Run_processes_every_event_and_leaves_the_clock_at_the_last_one()
    {
        var sim = new Simulator();
        var log = new EventLog();
        for (long t = 1; t <= 10; t++) sim.ScheduleAtPicoseconds(t * 100, log, 0);
        sim.Run();
        Assert.Equal(10, sim.EventsProcessed);
        Assert.Equal(0, sim.PendingEvents);
        Assert.Equal(1000, sim.NowPicoseconds);
    }

    [Fact]
    public void RunUntil_includes_events_at_the_end_time_and_then_sets_the_clock_to_it()
    {
        var sim = new Simulator();
        var log = new EventLog();
        foreach (long t in new long[] { 100, 200, 300, 400 }) sim.ScheduleAtPicoseconds(t, log, 0);

        sim.RunUntil(new SimTime(200));
        Assert.Equal(new long[] { 100, 200 }, log.Seen.Select(e => e.Time));
        Assert.Equal(2, sim.PendingEvents);

        sim.RunUntil(new SimTime(350));
        Assert.Equal(350, sim.NowPicoseconds);
        Assert.Equal(3, sim.EventsProcessed);

        sim.Schedule(new SimTime(10), log, 0); // relative to the advanced clock: due at 360
        sim.Run();
        Assert.Equal(new long[] { 100, 200, 300, 360, 400 }, log.Seen.Select(e => e.Time));
    }

    [Fact]
    public void Stop_returns_after_the_current_event_and_a_later_Run_resumes()
    {
        var sim = new Simulator();
        var log = new EventLog(ev =>
        {
            if (ev.Arg == 3) sim.Stop();
        });
        for (int i = 1; i <= 5; i++) sim.ScheduleAtPicoseconds(i * 10, log, 0, arg: i);

        sim.RunUntil(new SimTime(1000));
        Assert.Equal(3, sim.EventsProcessed);
        Assert.Equal(30, sim.NowPicoseconds); // stopped early: the clock stays at the stopping event
        Assert.Equal(2, sim.PendingEvents);

        sim.Run();
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, log.Seen.Select(e => e.Arg));
        Assert.Equal(5, sim.EventsProcessed);
    }

    [Fact]
    public void Running_an_empty_simulator_does_nothing()
    {
        var sim = new Simulator();
        sim.Run();
        Assert.Equal(0, sim.EventsProcessed);
        Assert.Equal(SimTime.Zero, sim.Now);
    }
}
