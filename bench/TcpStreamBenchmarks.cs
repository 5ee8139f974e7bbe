using BenchmarkDotNet.Attributes;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Bench;

/// <summary>
/// One 10 Gbit/s TCP stream (CUBIC, Linux defaults, TSO super-packets cut into 1500-byte frames on the wire) between
/// two hosts joined back to back by a 10 Gbit/s wire with 5 µs propagation and a 4 MiB drop-tail queue, for one
/// simulated second: about 812,000 data frames and 406,000 ACKs. Reports wall time per simulated second.
/// </summary>
[MemoryDiagnoser]
public class TcpStreamBenchmarks
{
    private Simulator _sim = null!;
    private FlowMetrics _flow = null!;

    [Params(false, true)]
    public bool WithCpuCosts { get; set; }

    [IterationSetup]
    public void Setup()
    {
        CostProfile costs = WithCpuCosts ? LightProfile : CostProfile.Zero;
        _sim = new Simulator();
        var pool = new PacketPool();
        var flows = new FlowTable();
        var nodeA = new NodeContext(_sim, pool, costs, 1, "A", 2);
        var nodeB = new NodeContext(_sim, pool, costs, 2, "B", 2);
        var a = new TestNamespace(nodeA, "A", Ipv4Address.Parse("10.0.0.1"), 1500);
        var b = new TestNamespace(nodeB, "B", Ipv4Address.Parse("10.0.0.2"), 1500);
        var ab = new TestWire(nodeA, "A->B", 10_000_000_000, SimTime.FromMicroseconds(5), 4 << 20) { Next = b.Ingress };
        var ba = new TestWire(nodeB, "B->A", 10_000_000_000, SimTime.FromMicroseconds(5), 4 << 20) { Next = a.Ingress };
        a.Egress = ab;
        b.Egress = ba;
        var ta = new TransportLayer(a, flows);
        var tb = new TransportLayer(b, flows);
        tb.Tcp.Listen(5201, new Sink());
        TcpSocket socket = ta.Tcp.Connect(b.Address, 5201, new BulkWriter(), out _)!;
        _flow = flows[socket.Flow.Id];
    }

    /// <summary>Simulates one second; returns the bytes delivered (≈ 1.18 GB at 9.41 Gbit/s goodput).</summary>
    [Benchmark]
    public long OneSimulatedSecond()
    {
        _sim.RunUntil(SimTime.FromSeconds(1));
        return _flow.BytesDelivered;
    }

    /// <summary>Small per-packet costs on two cores per host, so the CPU model is exercised but the wire stays the bottleneck.</summary>
    private static readonly CostProfile LightProfile = new("bench-light", new Dictionary<string, Cost>
    {
        ["socket.syscall"] = new(500_000, 0),
        ["socket.copy"] = new(0, 50_000),
        ["tcp.transmit"] = new(300_000, 0),
        ["tcp.receive"] = new(300_000, 0),
        ["ip.output"] = new(100_000, 0),
        ["ip.receive"] = new(100_000, 0),
    });

    private sealed class Sink : ITcpAcceptHandler, ITcpSocketHandler
    {
        public ITcpSocketHandler OnAccept(TcpSocket socket) => this;
        public void OnConnected(TcpSocket socket) { }
        public void OnReceived(TcpSocket socket, int bytes) { }
        public void OnSendSpace(TcpSocket socket) { }
        public void OnPeerClosed(TcpSocket socket) => socket.Close();
        public void OnClosed(TcpSocket socket, TcpCloseReason reason) { }
    }
}
