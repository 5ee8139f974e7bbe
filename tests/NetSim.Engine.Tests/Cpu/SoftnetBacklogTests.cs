using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Cpu;

public class SoftnetBacklogTests
{
    private static (Simulator Sim, NodeContext Node, Counter Sink) Node(int cores = 2)
    {
        var sim = new Simulator();
        var node = new NodeContext(sim, new PacketPool(), CostProfile.Zero, 1, "n", cores);
        return (sim, node, new Counter(node));
    }

    [Fact]
    public void The_backlog_holds_netdev_max_backlog_packets_and_refuses_the_next()
    {
        var (sim, node, sink) = Node();
        var backlog = node.Backlog(1);
        int accepted = 0;
        for (int i = 0; i < SoftnetBacklog.NetdevMaxBacklog + 5; i++)
        {
            Packet p = node.Pool.Rent();
            if (backlog.Enqueue(p, sink, 0)) accepted++;
            else node.Pool.Drop(p, DropReason.BacklogFull);
        }
        Assert.Equal(SoftnetBacklog.NetdevMaxBacklog, accepted);
        Assert.Equal(5, backlog.Dropped);
        sim.Run();
        Assert.Equal(SoftnetBacklog.NetdevMaxBacklog, sink.Count);
        Assert.Equal(1, sink.Core); // the packet now belongs to the backlog's core
    }

    [Fact]
    public void A_round_takes_dev_weight_packets_and_the_next_waits_for_the_softirq_work_before_it()
    {
        var (sim, node, sink) = Node();
        sink.PerPacketPs = 1_000; // 1 ns of softirq work per packet on core 0
        var backlog = node.Backlog(0);
        for (int i = 0; i < 100; i++) backlog.Enqueue(node.Pool.Rent(), sink, 0);
        sim.Run();
        Assert.Equal(100, sink.Count);
        // The second round started only after the first round's 64 packets of softirq work.
        Assert.Equal(64 * 1_000, sink.FirstOfSecondRoundAt);
    }

    [Fact]
    public void A_poll_does_not_wait_for_a_threads_system_call()
    {
        var (sim, node, sink) = Node(1);
        node.Cpu[0].Execute(0, 50_000, CpuContext.Process, out _); // a 50 ns copy booked in process context
        Assert.Equal(0, node.Cpu[0].SoftirqBusyUntil);
        node.Backlog(0).Enqueue(node.Pool.Rent(), sink, 0);
        sim.Run();
        Assert.Equal(1, sink.Count);
        Assert.Equal(0, sink.FirstAt); // polled at once; its work queues behind the copy (non-pre-emptive core)
    }

    private sealed class Counter(NodeContext node) : PacketElement(node, "sink")
    {
        public int Count;
        public int Core = -1;
        public long PerPacketPs;
        public long FirstAt = -1;
        public long FirstOfSecondRoundAt = -1;

        public override void Receive(Packet packet)
        {
            if (Count == 0) FirstAt = Node.Sim.NowPicoseconds;
            if (Count == SoftnetBacklog.DevWeight) FirstOfSecondRoundAt = Node.Sim.NowPicoseconds;
            Count++;
            Core = packet.Core;
            if (PerPacketPs > 0) Charge(packet, PerPacketPs);
            Node.Pool.Deliver(packet);
        }
    }
}
