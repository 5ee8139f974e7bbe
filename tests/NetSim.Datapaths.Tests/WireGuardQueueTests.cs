using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;

namespace NetSim.Datapaths.Tests;

/// <summary>WireGuard's queues and worker pools on their own: bounds, order, CPU choice and how kworkers share a CPU.</summary>
public class WireGuardQueueTests
{
    [Fact]
    public void A_bundle_queue_is_FIFO_and_refuses_the_1025th_entry()
    {
        var q = new WireGuardBundleQueue();
        var bundles = Enumerable.Range(0, WireGuardBundleQueue.MaxQueuedPackets + 5).Select(_ => new WireGuardPacketBundle()).ToList();
        int accepted = bundles.Count(q.TryEnqueue);
        Assert.Equal(1024, accepted); // MAX_QUEUED_PACKETS in drivers/net/wireguard/messages.h
        Assert.Equal(5, q.Refused);
        Assert.Same(bundles[0], q.Peek());
        for (int i = 0; i < 1024; i++) Assert.Same(bundles[i], q.Dequeue());
        Assert.Null(q.Peek());
        Assert.True(q.TryEnqueue(bundles[^1])); // room again once drained
    }

    [Fact]
    public void The_crypt_queue_wakes_every_CPU_in_turn()
    {
        var q = new WireGuardCryptQueue();
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Enumerable.Range(0, 7).Select(_ => q.NextCpu(3)));
    }

    /// <summary>A work whose steps each book <see cref="StepPs"/> on its CPU, <see cref="Left"/> times.</summary>
    private sealed class FixedWork(NodeContext node, long stepPs) : IWireGuardWorker
    {
        public long StepPs = stepPs;
        public int Left;
        public List<long> Started { get; } = new();
        public long BusyPs;

        public long Run(WireGuardWork work, long now)
        {
            if (Left == 0) return -1;
            Left--;
            Started.Add(now);
            BusyPs += StepPs;
            return node.Cpu[work.Cpu].Execute(now, StepPs, Engine.Cpu.CpuContext.Process, out _);
        }

        public void Ran(WireGuardWork work, long now) { }
    }

    private static (TestBed, NodeContext, WireGuardWorkerPool) Pool(int cores = 1)
    {
        var bed = new TestBed();
        NodeContext node = bed.Node("node", cores);
        return (bed, node, new WireGuardWorkerPool(node));
    }

    [Fact]
    public void Two_busy_works_on_one_CPU_share_its_time_equally_not_step_for_step()
    {
        var (bed, node, pool) = Pool();
        var shortSteps = new FixedWork(node, 1_000_000) { Left = 10_000 };
        var longSteps = new FixedWork(node, 4_000_000) { Left = 10_000 };
        pool.Queue(new WireGuardWork(shortSteps, 0), 0);
        pool.Queue(new WireGuardWork(longSteps, 0), 0);
        bed.RunUntil(SimTime.PicosPerMillisecond);
        // CFS: equal CPU time (within a step), so four short steps run for each long one.
        Assert.InRange(shortSteps.BusyPs - longSteps.BusyPs, -4_000_000, 4_000_000);
        Assert.InRange(shortSteps.Started.Count, 4 * longSteps.Started.Count - 4, 4 * longSteps.Started.Count + 4);
    }

    [Fact]
    public void A_work_runs_after_the_work_already_booked_on_its_CPU()
    {
        var (bed, node, pool) = Pool(cores: 2);
        node.Cpu[1].Execute(0, 50_000_000, out _); // 50 us of softirq work booked on CPU 1 at time 0
        var w = new FixedWork(node, 1_000_000) { Left = 1 };
        pool.Queue(new WireGuardWork(w, 1), 10_000_000);
        bed.Run();
        Assert.Equal([50_000_000L], w.Started);
    }

    [Fact]
    public void Queueing_a_work_that_is_already_queued_does_nothing_and_a_work_with_nothing_left_sleeps()
    {
        var (bed, node, pool) = Pool();
        var w = new FixedWork(node, 1_000_000) { Left = 3 };
        var work = new WireGuardWork(w, 0);
        pool.Queue(work, 0);
        pool.Queue(work, 0);
        pool.Queue(work, 500_000);
        bed.Run();
        Assert.Equal([0L, 1_000_000, 2_000_000], w.Started); // one work, its three steps back to back
        Assert.Equal(WireGuardWorkState.Idle, work.State);
        w.Left = 1;
        pool.Queue(work, bed.Sim.NowPicoseconds + 7_000_000); // queue_work_on again: it wakes and runs
        bed.Run();
        Assert.Equal(4, w.Started.Count);
    }
}
