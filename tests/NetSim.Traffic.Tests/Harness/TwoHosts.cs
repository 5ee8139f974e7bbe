using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>The shape of the test network: two hosts and a full-duplex wire.</summary>
public sealed record LinkSpec
{
    public long RateBitsPerSecond { get; init; } = 10_000_000_000;
    public SimTime Propagation { get; init; } = SimTime.FromMicroseconds(5);
    public long QueueBytes { get; init; } = 4 * 1024 * 1024;
    public int Mtu { get; init; } = 1500;
    public double LossAtoB { get; init; }
    public int Seed { get; init; } = 1;
    public int CoresPerHost { get; init; } = 1;
    public CostProfile Costs { get; init; } = CostProfile.Zero;
    /// <summary>Host B's costs when they differ from host A's (e.g. a slow reader); null = <see cref="Costs"/>.</summary>
    public CostProfile? CostsB { get; init; }
    public TcpSocketOptions? Tcp { get; init; }
}

/// <summary>Host A (10.0.0.1) and host B (10.0.0.2), each a node with one namespace, joined by two test wires.</summary>
public sealed class TwoHosts
{
    public static readonly Ipv4Address AddressA = Ipv4Address.Parse("10.0.0.1");
    public static readonly Ipv4Address AddressB = Ipv4Address.Parse("10.0.0.2");

    public TwoHosts(LinkSpec? spec = null)
    {
        Spec = spec ?? new LinkSpec();
        Sim = new Simulator();
        Pool = new PacketPool();
        Flows = new FlowTable();
        NodeA = new NodeContext(Sim, Pool, Spec.Costs, 1, "A", Spec.CoresPerHost);
        NodeB = new NodeContext(Sim, Pool, Spec.CostsB ?? Spec.Costs, 2, "B", Spec.CoresPerHost);
        A = new TestNamespace(NodeA, "A", AddressA, Spec.Mtu);
        B = new TestNamespace(NodeB, "B", AddressB, Spec.Mtu);
        AtoB = new TestWire(NodeA, "wire A->B", Spec.RateBitsPerSecond, Spec.Propagation, Spec.QueueBytes, Spec.LossAtoB, Spec.Seed) { Next = B.Ingress };
        BtoA = new TestWire(NodeB, "wire B->A", Spec.RateBitsPerSecond, Spec.Propagation, Spec.QueueBytes) { Next = A.Ingress };
        A.Egress = AtoB;
        B.Egress = BtoA;
        TransportA = new TransportLayer(A, Flows, Spec.Tcp);
        TransportB = new TransportLayer(B, Flows, Spec.Tcp);
    }

    public LinkSpec Spec { get; }
    public Simulator Sim { get; }
    public PacketPool Pool { get; }
    public FlowTable Flows { get; }
    public NodeContext NodeA { get; }
    public NodeContext NodeB { get; }
    public TestNamespace A { get; }
    public TestNamespace B { get; }
    public TestWire AtoB { get; }
    public TestWire BtoA { get; }
    public TransportLayer TransportA { get; }
    public TransportLayer TransportB { get; }
    public TcpStack TcpA => TransportA.Tcp;
    public TcpStack TcpB => TransportB.Tcp;

    public void RunFor(SimTime duration) => Sim.RunUntil(Sim.Now + duration);

    public void RunUntil(SimTime at) => Sim.RunUntil(at);

    public ConservationReport Conservation() =>
        PacketConservation.Check(Sim, Pool, NodeA.Holders.Concat(NodeB.Holders));

    /// <summary>Asserts the packet ledger balances: sent = delivered + dropped + absorbed + in flight.</summary>
    public void AssertConservation()
    {
        ConservationReport report = Conservation();
        Assert.True(report.Holds, report.ToString());
    }
}
