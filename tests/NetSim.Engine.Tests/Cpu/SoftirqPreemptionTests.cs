using NetSim.Engine.Cpu;

namespace NetSim.Engine.Tests.Cpu;

/// <summary>Softirq work pre-empts a process's time slice (CpuCore.RunSlice), up to MAX_SOFTIRQ_TIME in a row, then ksoftirqd takes turns.</summary>
public class SoftirqPreemptionTests
{
    private const long Us = 1_000_000; // picoseconds
    private const long Slice = 750 * Us; // EEVDF's base slice

    [Fact]
    public void A_packet_arriving_mid_slice_is_processed_at_once_and_the_slice_ends_later_by_its_work()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        Assert.Equal(Slice, core.RunSlice(0, Slice, slice));

        long done = core.Execute(100 * Us, 3 * Us, out long waited);

        Assert.Equal(0, waited);
        Assert.Equal(103 * Us, done);
        Assert.Equal(Slice + 3 * Us, slice.End);
        Assert.Equal(3 * Us, slice.PreemptedPs);
        Assert.Equal(Slice + 3 * Us, core.BusyUntil);
        Assert.Equal(103 * Us, core.SoftirqBusyUntil);
        Assert.Equal(Slice + 3 * Us, core.BusyPs);
    }

    [Fact]
    public void Back_to_back_packets_queue_behind_each_other_not_behind_the_slice()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        core.RunSlice(0, Slice, slice);
        core.Execute(100 * Us, 3 * Us, out _);

        long second = core.Execute(101 * Us, 2 * Us, out long waited);

        Assert.Equal(2 * Us, waited);
        Assert.Equal(105 * Us, second);
        Assert.Equal(Slice + 5 * Us, slice.End);
    }

    [Fact]
    public void Without_a_slice_the_core_stays_a_fifo()
    {
        var core = new CpuCore(0);
        core.Execute(0, Slice, CpuContext.Process, out _);
        long done = core.Execute(100 * Us, 3 * Us, out long waited);
        Assert.Equal(Slice - 100 * Us, waited);
        Assert.Equal(Slice + 3 * Us, done);
    }

    [Fact]
    public void A_slice_no_longer_last_is_not_preempted()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        core.RunSlice(0, Slice, slice);
        core.Execute(10 * Us, 5 * Us, CpuContext.Process, out _); // an application's system call queued behind the slice

        long done = core.Execute(100 * Us, 3 * Us, out _);

        Assert.Equal(Slice + 8 * Us, done);
        Assert.Equal(Slice, slice.End);
    }

    [Fact]
    public void Softirq_arriving_after_the_slice_ended_does_not_move_it()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        core.RunSlice(0, Slice, slice);
        long done = core.Execute(Slice + 1 * Us, 3 * Us, out long waited);
        Assert.Equal(0, waited);
        Assert.Equal(Slice + 4 * Us, done);
        Assert.Equal(Slice, slice.End);
    }

    [Fact]
    public void After_MAX_SOFTIRQ_TIME_in_a_row_the_rest_goes_to_ksoftirqd_behind_the_slice()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        core.RunSlice(0, Slice, slice);
        // 100 us of softirq work every 100 us from t = 10 us: the core does nothing else; 20 items fill the 2 ms limit.
        long t = 10 * Us;
        for (int i = 0; i < 20; i++, t += 100 * Us)
        {
            long done = core.Execute(t, 100 * Us, out long waited);
            Assert.Equal(0, waited);
            Assert.Equal(t + 100 * Us, done);
        }
        Assert.Equal(Slice + 2000 * Us, slice.End);

        // The 21st starts 2 ms after the run began: ksoftirqd takes it, and it waits for the slice's last 740 us.
        long handedOff = core.Execute(t, 100 * Us, out long wait);
        Assert.Equal(Slice + 2000 * Us, t + wait);
        Assert.Equal(Slice + 2100 * Us, handedOff);
        Assert.Equal(Slice + 2000 * Us, slice.End);
        Assert.True(core.SoftirqDeferred(t));
        // More softirq work while ksoftirqd's is queued joins it.
        Assert.Equal(Slice + 2150 * Us, core.Execute(t + 1 * Us, 50 * Us, out _));
        Assert.False(core.SoftirqDeferred(Slice + 2150 * Us));
    }

    [Fact]
    public void A_gap_in_softirq_work_starts_a_new_run_with_a_fresh_limit()
    {
        var core = new CpuCore(0);
        var slice = new ProcessSlice();
        core.RunSlice(0, 10 * Slice, slice);
        long t = 0;
        for (int i = 0; i < 19; i++, t += 100 * Us) core.Execute(t, 100 * Us, out _);
        // 1.9 ms in a row, then 1 us without softirq: the process ran, the next interrupt's softirq starts afresh.
        t += 1 * Us;
        for (int i = 0; i < 19; i++, t += 100 * Us)
        {
            core.Execute(t, 100 * Us, out long waited);
            Assert.Equal(0, waited);
        }
        Assert.False(core.SoftirqDeferred(t));
        Assert.Equal(10 * Slice + 3800 * Us, slice.End);
    }
}
