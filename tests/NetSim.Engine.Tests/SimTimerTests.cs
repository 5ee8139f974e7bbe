using NetSim.Engine.Core;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

public class SimTimerTests
{
    private const int Expired = 9;
    private readonly Simulator _sim = new();
    private readonly EventLog _owner = new();
    private readonly SimTimer _timer;

    public SimTimerTests() => _timer = new SimTimer(_sim, _owner, Expired);

    private long[] FireTimes => [.. _owner.Seen.Select(e => e.Time)];

    /// <summary>Runs <paramref name="action"/> inside the simulation at <paramref name="at"/> ps.</summary>
    private void At(long at, Action action) => _sim.ScheduleAtPicoseconds(at, new EventLog(_ => action()), 0);

    [Fact]
    public void Fires_once_at_its_deadline_with_its_kind()
    {
        _timer.Arm(new SimTime(100));
        Assert.True(_timer.IsArmed);
        _sim.Run();
        Assert.Equal(new long[] { 100 }, FireTimes);
        Assert.Equal(Expired, _owner.Seen[0].Kind);
        Assert.False(_timer.IsArmed);
    }

    [Fact]
    public void Re_arming_earlier_fires_only_at_the_earlier_deadline()
    {
        _timer.Arm(new SimTime(100));
        At(30, () => _timer.ArmAt(new SimTime(60)));
        _sim.Run();
        Assert.Equal(new long[] { 60 }, FireTimes);
    }

    [Fact]
    public void Re_arming_later_fires_only_at_the_later_deadline()
    {
        _timer.Arm(new SimTime(100));
        At(30, () => _timer.ArmAt(new SimTime(250)));
        _sim.Run();
        Assert.Equal(new long[] { 250 }, FireTimes);
    }

    [Fact]
    public void Re_arming_later_many_times_keeps_one_event_queued()
    {
        for (int i = 1; i <= 1000; i++) _timer.ArmAt(new SimTime(100 + i));
        Assert.Equal(1, _sim.PendingEvents);
        _sim.Run();
        Assert.Equal(new long[] { 1100 }, FireTimes);
    }

    [Fact]
    public void Cancelled_timer_does_not_fire()
    {
        _timer.Arm(new SimTime(100));
        At(50, _timer.Cancel);
        _sim.Run();
        Assert.Empty(FireTimes);
        Assert.False(_timer.IsArmed);
    }

    [Fact]
    public void Cancel_then_re_arm_later_fires_once_at_the_new_deadline()
    {
        _timer.Arm(new SimTime(100));
        At(50, () =>
        {
            _timer.Cancel();
            _timer.ArmAt(new SimTime(180));
        });
        _sim.Run();
        Assert.Equal(new long[] { 180 }, FireTimes);
    }

    [Fact]
    public void Cancel_then_re_arm_earlier_fires_once_at_the_new_deadline()
    {
        _timer.Arm(new SimTime(100));
        At(50, () =>
        {
            _timer.Cancel();
            _timer.ArmAt(new SimTime(70));
        });
        _sim.Run();
        Assert.Equal(new long[] { 70 }, FireTimes);
    }

    [Fact]
    public void A_timer_can_be_re_armed_from_its_own_expiry()
    {
        var sim = new Simulator();
        SimTimer? timer = null;
        var owner = new EventLog(_ =>
        {
            if (sim.NowPicoseconds < 50) timer!.Arm(new SimTime(10));
        });
        timer = new SimTimer(sim, owner, Expired);
        timer.Arm(new SimTime(10));
        sim.Run();
        Assert.Equal(new long[] { 10, 20, 30, 40, 50 }, owner.Seen.Select(e => e.Time));
    }
}
