using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Cpu;

/// <summary>
/// A CpuCore behind one PacketElement is a single FIFO server, so with Poisson arrivals its mean sojourn time
/// must match queueing theory: M/M/1 W = 1/(μ−λ); M/D/1 (Pollaczek–Khinchine) W = 1/μ + ρ/(2μ(1−ρ)).
/// Work per packet is set through its length with a cost of exactly 1 ps per byte.
/// </summary>
public class QueueingTheoryTests
{
    private const long MeanServicePs = 1_000_000; // 1 µs
    private const int Customers = 600_000;
    private const int WarmUp = 20_000;

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.7)]
    public void Exponential_work_matches_mm1_mean_sojourn(double rho)
    {
        double measured = Run(rho, exponentialWork: true, seed: 7);
        double expected = MeanServicePs / (1 - rho);
        Assert.InRange(measured / expected, 0.98, 1.02);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void Fixed_work_matches_md1_pollaczek_khinchine(double rho)
    {
        double measured = Run(rho, exponentialWork: false, seed: 11);
        double expected = MeanServicePs + rho * MeanServicePs / (2 * (1 - rho));
        Assert.InRange(measured / expected, 0.98, 1.02);
    }

    [Fact]
    public void Utilisation_matches_offered_load()
    {
        var (sim, node, _) = Build(0.6, exponentialWork: true, seed: 3, customers: 100_000);
        sim.Run();
        Assert.InRange(node.Cpu[0].Utilisation(sim.NowPicoseconds), 0.58, 0.62);
    }

    private static double Run(double rho, bool exponentialWork, int seed)
    {
        var (sim, _, sink) = Build(rho, exponentialWork, seed, Customers);
        sim.Run();
        Assert.Equal(Customers, sink.Count + WarmUp);
        return sink.SumPs / (double)sink.Count;
    }

    private static (Simulator Sim, NodeContext Node, SojournSink Sink) Build(double rho, bool exponentialWork, int seed, int customers)
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var costs = new CostProfile("1ps-per-byte", new Dictionary<string, Cost> { [CostKeys.SocketCopy.Name] = new Cost(0, 1000) });
        var node = new NodeContext(sim, pool, costs, 1, "server", 1);
        var sink = new SojournSink(node, WarmUp);
        var server = new ServerElement(node, sink);
        _ = new PoissonSource(sim, pool, server, new Random(seed), MeanServicePs / rho, exponentialWork, customers);
        return (sim, node, sink);
    }

    /// <summary>Poisson arrivals; each packet's length is its work in ps (exponential or fixed).</summary>
    private sealed class PoissonSource : IEventTarget
    {
        private readonly Simulator _sim;
        private readonly PacketPool _pool;
        private readonly PacketElement _next;
        private readonly Random _random;
        private readonly double _meanGapPs;
        private readonly bool _exponential;
        private int _left;

        public PoissonSource(Simulator sim, PacketPool pool, PacketElement next, Random random, double meanGapPs, bool exponential, int count)
        {
            (_sim, _pool, _next, _random, _meanGapPs, _exponential, _left) = (sim, pool, next, random, meanGapPs, exponential, count);
            _sim.Schedule(new SimTime(Exponential(_meanGapPs)), this, EventKinds.Application);
        }

        public void OnEvent(in SimEvent ev)
        {
            Packet p = _pool.Rent();
            p.CreatedAt = ev.Time;
            p.PayloadLength = (int)Math.Max(1, _exponential ? Exponential(MeanServicePs) : MeanServicePs);
            _next.Receive(p);
            if (--_left > 0) _sim.Schedule(new SimTime(Exponential(_meanGapPs)), this, EventKinds.Application);
        }

        private long Exponential(double mean) => (long)Math.Round(-Math.Log(1 - _random.NextDouble()) * mean);
    }

    /// <summary>The single server: charges the packet's work on the core, then passes it on.</summary>
    private sealed class ServerElement(NodeContext node, PacketElement next) : PacketElement(node, "server")
    {
        private readonly Cost _cost = node.Costs[CostKeys.SocketCopy];

        public override void Receive(Packet packet) => Work(packet, _cost, next);
    }

    private sealed class SojournSink(NodeContext node, int warmUp) : PacketElement(node, "sink")
    {
        private int _seen;
        public long SumPs { get; private set; }
        public int Count { get; private set; }

        public override void Receive(Packet packet)
        {
            if (++_seen > warmUp)
            {
                SumPs += Node.Sim.NowPicoseconds - packet.CreatedAt;
                Count++;
            }
            Node.Pool.Deliver(packet);
        }
    }
}
