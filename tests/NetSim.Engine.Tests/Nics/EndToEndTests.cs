using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

/// <summary>Two hosts through a switch: NIC → lossy link → switch (small buffer) → link → NIC → stack.</summary>
public class EndToEndTests
{
    [Fact]
    public void Conservation_holds_throughout_a_run_with_queue_drops_and_losses()
    {
        var net = new SwitchedPair(lossProbability: 0.01, switchBufferBytes: 20_000);
        // Two senders' worth of TSO bursts into one 10G port: the switch buffer overflows and the links lose frames.
        for (int i = 0; i < 40; i++)
        {
            net.NicA.Receive(TcpPacket(net.Pool, 16 * 1448, 1448, seq: (uint)(i * 16 * 1448)));
            net.NicC.Receive(TcpPacket(net.Pool, 16 * 1448, 1448, seq: (uint)(i * 16 * 1448), sourcePort: 40001));
        }
        for (long t = 5_000_000; t <= 100_000_000; t += 5_000_000)
        {
            net.Sim.RunUntil(new SimTime(t));
            var mid = net.Conservation();
            Assert.True(mid.Holds, $"at {t} ps: {mid}");
        }
        net.Sim.Run();
        var end = net.Conservation();
        Assert.True(end.Holds, end.ToString());
        Assert.Equal(0, end.InFlight);
        Assert.True(net.Pool.Dropped(DropReason.QueueFull) > 0, "the switch buffer should overflow");
        Assert.True(net.Pool.Dropped(DropReason.LinkLoss) > 0, "the lossy links should lose frames");
        Assert.True(net.Pool.Absorbed >= 80, "every TSO super-packet is absorbed into its segments");
    }

    [Fact]
    public void Napi_batches_and_gro_merges_by_itself_when_the_stack_keeps_the_core_busy()
    {
        // No interrupt coalescing. 10G frames arrive every 1.2304 us; the stack costs 2 us per packet on the RX
        // core, so the next poll finds the frames that arrived meanwhile and GRO merges them. Equilibrium: a poll
        // of k frames takes 0.2k (receive) + 0.05(k-1) (merge) + 2.0 (stack) us = k × 1.2304 us of arrivals,
        // so k = 1.95 / 0.9804 ≈ 1.99 frames per packet handed to the stack.
        var net = new SwitchedPair(lossProbability: 0, switchBufferBytes: 0, stackNs: 2000);
        for (int i = 0; i < 20; i++) net.NicA.Receive(TcpPacket(net.Pool, 44 * 1448, 1448, seq: (uint)(i * 44 * 1448)));
        net.Sim.Run();

        const int frames = 20 * 44;
        Assert.Equal(frames, net.NicB.RxFrames);
        long packets = net.NicB.RxQueues[0].Delivered;
        Assert.InRange(frames / (double)packets, 1.8, 2.2);
        Assert.Equal(frames - packets, net.NicB.RxQueues[0].GroMerged);
        Assert.Equal(0, net.Pool.DroppedTotal);
    }

    [Fact]
    public void The_nic_link_and_switch_path_allocates_nothing_per_packet_in_steady_state()
    {
        var net = new SwitchedPair(lossProbability: 0.001, switchBufferBytes: 0);
        void Burst(int n)
        {
            for (int i = 0; i < n; i++) net.NicA.Receive(TcpPacket(net.Pool, 8 * 1448, 1448, seq: (uint)(i * 8 * 1448)));
            net.Sim.Run();
        }
        // Warm-up: pools, rings, heaps and lanes reach their working size. A wire schedules the arrival of every frame
        // it queues, so a burst's frames are all in the event calendar at once: its arrays settle in the second burst.
        Burst(200);
        Burst(200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Burst(200);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(net.NicB.RxFrames > 3000, $"{net.NicB.RxFrames} frames");
    }

    /// <summary>Host A and host C send through an Ethernet switch to host B; B's stack is one costed element.</summary>
    private sealed class SwitchedPair
    {
        private readonly List<IPacketHolder> _holders = new();

        public SwitchedPair(double lossProbability, long switchBufferBytes, long stackNs = 0)
        {
            var costs = new CostProfile("e2e", new Dictionary<string, Cost>
            {
                [CostKeys.NicXmit.Name] = new(300_000, 0),
                [CostKeys.NicReceive.Name] = new(200_000, 0),
                [CostKeys.GroMerge.Name] = new(50_000, 0),
                [CostKeys.TcpReceive.Name] = new(stackNs * 1000, 0),
            }, 1m, new Dictionary<string, long> { [DelayKeys.NicTxLatency.Name] = 500_000, [DelayKeys.NicRxLatency.Name] = 1_000_000 });
            var random = new Random(99);
            var spec = new LinkSpec { RateBitsPerSecond = 10 * Gbps, PropagationDelay = SimTime.FromNanoseconds(100),
                LossProbability = lossProbability, QueueLimitBytes = 4_000_000 };
            var tor = new EthernetSwitch(Sim, Pool, "tor", new SwitchSpec { PortBufferBytes = switchBufferBytes, ForwardingLatency = SimTime.FromNanoseconds(300) });
            Nic Host(int id, Addressing.MacAddress mac)
            {
                var node = new NodeContext(Sim, Pool, costs, id, $"h{id}", 1);
                var nic = new Nic(node, "eth0", new NicSpec { Mac = mac });
                nic.DefaultDestination = MacB;
                var link = new Link(Sim, Pool, spec, $"l{id}", random);
                nic.Attach(link.A);
                tor.AddStaticEntry(mac, tor.AddPort(link.B));
                _holders.AddRange(node.Holders);
                nic.ReceiveTarget = new CostedSink(node);
                return nic;
            }
            NicA = Host(1, MacA);
            NicB = Host(2, MacB);
            NicC = Host(3, Addressing.MacAddress.LocallyAdministered(0xC));
            _holders.AddRange(tor.Holders);
        }

        public Simulator Sim { get; } = new();
        public PacketPool Pool { get; } = new();
        public Nic NicA { get; }
        public Nic NicB { get; }
        public Nic NicC { get; }

        public ConservationReport Conservation() => PacketConservation.Check(Sim, Pool, _holders);
    }

    /// <summary>The receiving stack: charges tcp.receive on the packet's core, then the packet is delivered.</summary>
    private sealed class CostedSink : PacketElement
    {
        private readonly Cost _cost;
        private readonly PacketElement _deliver;

        public CostedSink(NodeContext node) : base(node, "stack")
        {
            _cost = node.Costs[CostKeys.TcpReceive];
            _deliver = new Deliverer(node);
        }

        public override void Receive(Packet packet) => Work(packet, _cost, _deliver);

        private sealed class Deliverer(NodeContext node) : PacketElement(node, "socket")
        {
            public override void Receive(Packet packet) => Node.Pool.Deliver(packet);
        }
    }
}
