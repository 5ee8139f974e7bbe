using NetSim.Engine.Elements;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Links;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

/// <summary>net_rx_action's poll list: a NAPI that used its whole budget goes behind the core's other NAPIs.</summary>
public class NapiPollListTests
{
    [Fact]
    public void A_busy_nic_queue_does_not_starve_the_cores_softnet_backlog()
    {
        // 13 TSO sends of 64 KiB (598 frames) back to back at 100 GbE (0.12 µs apart) against 0.2 µs of driver work and
        // 0.1 µs of stack work each: the ring never runs dry while they last, so the queue repolls with its whole budget
        // again and again, GRO flushing at each poll's end (a pod's ACKs on a veth wait in the same core's backlog, as
        // with a bulk stream into a pod). Without the poll list's round robin the backlog waited for the ring to drain.
        var rig = new NicRig(gbps: 100, coalesceNs: 10_000); // the interrupt 10 µs after the first frame finds ~80 ready
        var stack = new StackSink(rig.B); // each frame's stack work (100 ns) is booked after its driver work
        rig.NicB.ReceiveTarget = stack;
        for (int i = 0; i < 13; i++) rig.NicA.Receive(TcpPacket(rig.Pool, 65_483, 1448, seq: (uint)(1000 + i * 65_483)));
        var backlogSink = new SinkElement(rig.B, "veth peer");
        rig.B.Backlog(0).Enqueue(rig.Pool.Rent(), backlogSink, 12_000_000); // queued at 12 µs, amid the first poll

        rig.Sim.Run();

        Assert.NotEmpty(stack.Received);
        long backlogAt = Assert.Single(backlogSink.Received).At;
        long lastFrameAt = stack.Received[^1];
        Assert.True(rig.NicB.RxQueues[0].Polls > 5, "the ring should stay busy for several full polls");
        // It goes up after the poll running when it was queued (at most one budget of 64 frames: 19.2 µs of driver and
        // stack work), not after the last of the 598 frames (about 160 µs).
        Assert.InRange(backlogAt, 12_000_000, 12_000_000 + 2 * 64 * (NicRig.ReceiveNs + StackSink.WorkNs) * 1000);
        Assert.True(backlogAt < lastFrameAt / 2, $"backlog served at {backlogAt} ps, the ring drained at {lastFrameAt} ps");
        Assert.True(rig.Conservation().Holds);
    }

    /// <summary>The stack above the driver: two elements of 50 ns softirq work each, the second started when the first ends.</summary>
    private sealed class StackSink : PacketElement
    {
        public const long WorkNs = 100;
        private readonly Upper _upper;

        public StackSink(NodeContext node) : base(node, "ip_rcv") => _upper = new Upper(node);

        public List<long> Received => _upper.Received;

        public override void Receive(Packet packet) => WorkPs(packet, WorkNs / 2 * 1000, _upper);

        private sealed class Upper(NodeContext node) : PacketElement(node, "tcp_v4_rcv")
        {
            public List<long> Received { get; } = new();

            public override void Receive(Packet packet)
            {
                Received.Add(Node.Sim.NowPicoseconds);
                Charge(packet, WorkNs / 2 * 1000);
                Node.Pool.Deliver(packet);
            }
        }
    }
}
