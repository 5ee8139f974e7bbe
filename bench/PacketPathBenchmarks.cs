using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Bench;

/// <summary>
/// The engine's per-hop overhead: packets crossing a chain of 10 trivial elements on one node, each charging a
/// small CPU cost (so every hop is a core charge plus a scheduled hand-off event). One operation is one
/// packet-hop, so Op/s is packet-hops per second. Target: at least 3 million packet-hops/s and 0 B allocated
/// per operation in steady state. <see cref="Variability"/> runs the same chain with the default profile's softirq
/// spread, so every charge is drawn (the cost of drawing per hop).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OpsPerSecondConfig))]
public class PacketPathBenchmarks
{
    private const int Hops = 10;
    private const int Batch = 64;
    private const int Packets = 1024;
    /// <summary>Packet-hops per <see cref="CrossChain"/> call.</summary>
    public const int HopsPerInvoke = Packets * Hops;

    private Simulator _sim = null!;
    private PacketPool _pool = null!;
    private PacketElement _first = null!;

    /// <summary>Draw every charge from the default profile's softirq spread (cv 0.6 over a floor of 0.45).</summary>
    [Params(false, true)]
    public bool Variability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sim = new Simulator();
        _pool = new PacketPool();
        var costs = new CostProfile("bench", new Dictionary<string, Cost> { [CostKeys.VethXmit.Name] = new Cost(50_000, 10) });
        if (Variability) costs = costs.WithVariability(new CostVariability { Softirq = new WorkSpread(0.6, 0.45) });
        var node = new NodeContext(_sim, _pool, costs, 1, "bench", 1);
        PacketElement next = new SinkHop(node);
        for (int i = Hops; i >= 1; i--) next = new ChargingHop(node, $"hop{i}", next);
        _first = next;
        CrossChain(); // warm the pool, the event heap and the lane to their working size
    }

    /// <summary>1,024 packets in batches of 64, each crossing 10 charging elements to a sink.</summary>
    [Benchmark(OperationsPerInvoke = Packets * Hops)]
    public void CrossChain()
    {
        for (int b = 0; b < Packets / Batch; b++)
        {
            for (int i = 0; i < Batch; i++)
            {
                Packet p = _pool.Rent();
                p.PayloadLength = 1000;
                p.CreatedAt = _sim.NowPicoseconds;
                _first.Receive(p);
            }
            _sim.Run();
        }
    }

    /// <summary>A hop that charges veth.xmit and hands the packet on (the smallest real element).</summary>
    private sealed class ChargingHop(NodeContext node, string name, PacketElement next) : PacketElement(node, name)
    {
        private readonly Cost _cost = node.Costs[CostKeys.VethXmit];

        public override void Receive(Packet packet) => Work(packet, _cost, next);
    }

    private sealed class SinkHop(NodeContext node) : PacketElement(node, "sink")
    {
        public override void Receive(Packet packet) => Node.Pool.Deliver(packet);
    }

    private sealed class OpsPerSecondConfig : ManualConfig
    {
        public OpsPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
