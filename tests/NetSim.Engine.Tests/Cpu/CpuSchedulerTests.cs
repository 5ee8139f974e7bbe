using NetSim.Engine.Cpu;

namespace NetSim.Engine.Tests.Cpu;

public class CpuSchedulerTests
{
    [Fact]
    public void New_threads_spread_one_per_core_lowest_index_first()
    {
        var cpu = new NodeCpu(4);
        Assert.Equal([0, 1, 2, 3, 0, 1], Enumerable.Range(0, 6).Select(_ => cpu.Scheduler.PlaceThread()).ToArray());
        Assert.Equal(2, cpu.Scheduler.Threads(0));
        Assert.Equal(1, cpu.Scheduler.Threads(3));
    }

    [Fact]
    public void An_exited_thread_frees_its_core_for_the_next()
    {
        var cpu = new NodeCpu(3);
        for (int i = 0; i < 3; i++) cpu.Scheduler.PlaceThread();
        cpu.Scheduler.Exit(1);
        Assert.Equal(1, cpu.Scheduler.PlaceThread());
    }

    [Fact]
    public void Pinned_threads_count_where_they_are_put()
    {
        var cpu = new NodeCpu(2);
        Assert.Equal(1, cpu.Scheduler.PinThread(3)); // taskset -c 3 on a 2-core node wraps, as the core index does
        Assert.Equal(0, cpu.Scheduler.PlaceThread());
        Assert.Equal(0, cpu.Scheduler.PlaceThread());
    }

    [Fact]
    public void A_thread_on_its_softirq_core_moves_to_an_idle_sibling_with_the_fewest_threads()
    {
        var cpu = new NodeCpu(4);
        int t = cpu.Scheduler.PlaceThread(); // core 0
        cpu.Scheduler.PinThread(1);
        cpu[2].Execute(0, 1_000_000, out _); // core 2 busy until 1 us
        Assert.Equal(3, cpu.Scheduler.AwayFromSoftirq(t, softirqCore: 0, now: 0));
        Assert.Equal(0, cpu.Scheduler.Threads(0));
        Assert.Equal(1, cpu.Scheduler.Threads(3));
    }

    [Fact]
    public void With_every_sibling_busy_the_one_free_soonest_is_taken()
    {
        var cpu = new NodeCpu(3);
        cpu[1].Execute(0, 5_000, out _);
        cpu[2].Execute(0, 2_000, out _);
        Assert.Equal(2, cpu.Scheduler.AwayFromSoftirq(0, softirqCore: 0, now: 0));
    }

    [Fact]
    public void A_thread_off_its_softirq_core_stays()
    {
        var cpu = new NodeCpu(4);
        Assert.Equal(2, cpu.Scheduler.AwayFromSoftirq(2, softirqCore: 1, now: 0));
        var one = new NodeCpu(1);
        Assert.Equal(0, one.Scheduler.AwayFromSoftirq(0, softirqCore: 0, now: 0));
    }
}

public class CpuCoreTests
{
    [Fact]
    public void Busy_time_up_to_a_moment_excludes_work_still_queued()
    {
        // Asked at the present, as the run does (at the warm-up's end and at the run's end).
        var core = new CpuCore(0);
        core.Execute(0, 400, out _);     // busy 0..400
        Assert.Equal(400, core.BusyThrough(900));
        core.Execute(1_000, 300, out _); // busy 1000..1300
        core.Execute(1_100, 500, out long waited); // queued behind: 1300..1800
        Assert.Equal(200, waited);
        Assert.Equal(400 + 150, core.BusyThrough(1_150));
        Assert.True(core.Utilisation(1_150) <= 1.0);
        Assert.Equal(1_200, core.BusyThrough(1_800));
        Assert.Equal(1_200, core.BusyThrough(5_000));
    }

    [Fact]
    public void The_longest_backlog_booked_is_remembered()
    {
        var core = new CpuCore(0);
        core.Execute(0, 100, out _);
        core.Execute(0, 100, out _);
        core.Execute(50, 100, out _); // at 50 the core is booked until 300
        core.Execute(1_000, 10, out _);
        Assert.Equal(250, core.MaxBacklogPs);
    }
}
