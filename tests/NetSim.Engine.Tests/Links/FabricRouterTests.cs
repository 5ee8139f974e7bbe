using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Links;

public class FabricRouterTests
{
    [Fact]
    public void Ecmp_spreads_flows_evenly_and_keeps_each_flow_on_one_port()
    {
        var fabric = new Fabric(seed: 17);
        for (ushort port = 1; port <= 1000; port++)
        {
            fabric.Send(port);
            fabric.Send(port); // the second packet of each flow must follow the first
        }
        fabric.Sim.Run();

        int[] perPort = fabric.Uplinks.Select(h => h.Arrivals.Count).ToArray();
        Assert.Equal(2000, perPort.Sum());
        Assert.All(perPort, n => Assert.Equal(0, n % 2));
        Assert.All(perPort, n => Assert.InRange(n / 2, 182, 318)); // 250 expected, σ ≈ 13.7 flows: ±5σ
        for (ushort port = 1; port <= 1000; port++)
            Assert.Same(fabric.Router.Select(Flow(port)), fabric.Router.Select(Flow(port)));
    }

    [Fact]
    public void The_choice_is_deterministic_per_seed_and_differs_between_seeds()
    {
        var a = new Fabric(seed: 1);
        var b = new Fabric(seed: 1);
        var c = new Fabric(seed: 2);
        int differ = 0;
        for (ushort port = 1; port <= 200; port++)
        {
            int pa = a.Router.Select(Flow(port))!.Index;
            Assert.Equal(pa, b.Router.Select(Flow(port))!.Index);
            if (pa != c.Router.Select(Flow(port))!.Index) differ++;
        }
        Assert.InRange(differ, 120, 180); // independent choices differ 3/4 of the time: 150 ± 6σ
    }

    [Fact]
    public void The_longest_prefix_wins_over_an_ecmp_group()
    {
        var fabric = new Fabric(seed: 3);
        fabric.Router.AddRoute(Ipv4Prefix.Parse("10.0.0.0/24"), fabric.Router.Ports[4]);
        for (ushort port = 1; port <= 20; port++) Assert.Equal(4, fabric.Router.Select(Flow(port))!.Index);
        Assert.Equal(3, fabric.Router.RouteCount);
    }

    [Fact]
    public void Forwarding_rewrites_ethernet_and_decrements_ttl_and_drops_what_it_cannot_route()
    {
        var fabric = new Fabric(seed: 5);
        Packet routed = UdpFrame(fabric.Pool, 100);
        SwitchPort egress = fabric.Router.Select(FlowTuple.Outer(routed))!;
        fabric.Ingress.A.Transmit(routed);
        Packet expiring = UdpFrame(fabric.Pool, 100);
        expiring.Ipv4.Ttl = 1;
        fabric.Ingress.A.Transmit(expiring);
        Packet unroutable = UdpFrame(fabric.Pool, 100);
        unroutable.Ipv4.Destination = Ipv4Address.Parse("172.16.0.1");
        fabric.Ingress.A.Transmit(unroutable);
        fabric.Sim.Run();

        var got = fabric.Uplinks[egress.Index - 1].Arrivals.Single();
        Assert.Equal(egress.PeerMac.Value, got.Dst);
        Assert.Equal(63, fabric.LastTtl);
        Assert.Equal(1, fabric.Pool.Dropped(DropReason.TtlExpired));
        Assert.Equal(1, fabric.Pool.Dropped(DropReason.NoRoute));
        Assert.Equal(2, fabric.Router.Dropped);
    }

    [Fact]
    public void A_dark_port_leaves_every_group_and_a_route_without_next_hops_gives_way_to_a_shorter_one()
    {
        var fabric = new Fabric(seed: 7);
        var r = fabric.Router;
        var narrow = Ipv4Prefix.Parse("10.99.0.0/16");
        var toNarrow = new FlowTuple(IpA, Ipv4Address.Parse("10.99.0.5"), Ipv4Header.ProtocolUdp, 1, 2000);
        Assert.Equal(1, r.Select(toNarrow)!.Index);
        // Port 1 dark: out of the /8 group (its flows spread over ports 2-4) and the /16 has no next hop left.
        Assert.Equal([narrow], r.PortDown(r.Ports[1]));
        Assert.Empty(r.PortDown(r.Ports[1])); // already down: nothing changes
        Assert.NotEqual(1, r.Select(toNarrow)!.Index); // the /8 carries it now
        for (ushort port = 1; port <= 200; port++) Assert.NotEqual(1, r.Select(Flow(port))!.Index);
        // A BGP withdrawal takes port 2 out of the /8 only; port 1 back gives the /16 its next hop again.
        Assert.True(r.Withdraw(Ipv4Prefix.Parse("10.0.0.0/8"), r.Ports[2]));
        for (ushort port = 1; port <= 200; port++) Assert.InRange(r.Select(Flow(port))!.Index, 3, 4);
        Assert.Equal([narrow], r.PortUp(r.Ports[1]));
        Assert.Equal(1, r.Select(toNarrow)!.Index);
        Assert.True(r.Relearn(Ipv4Prefix.Parse("10.0.0.0/8"), r.Ports[2]));
        Assert.Equal(4, r.GroupOf(Ipv4Prefix.Parse("10.0.0.0/8"))!.LiveCount);
    }

    [Fact]
    public void Frames_queued_on_a_port_that_loses_carrier_are_dropped_as_link_down()
    {
        var fabric = new Fabric(seed: 9);
        for (ushort port = 1; port <= 50; port++) fabric.Send(port);
        fabric.Sim.RunUntil(new SimTime(1)); // the frames are in the router's ports, some on the wire
        foreach (var p in fabric.Router.Ports.Skip(1)) p.End.Link.LoseCarrier(DropReason.LinkDown);
        fabric.Sim.Run();
        long arrived = fabric.Uplinks.Sum(u => u.Arrivals.Count);
        Assert.Equal(50, arrived + fabric.Pool.Dropped(DropReason.LinkDown));
        Assert.True(fabric.Pool.Dropped(DropReason.LinkDown) > 0);
    }

    private static FlowTuple Flow(ushort sourcePort) => new(IpA, IpB, Ipv4Header.ProtocolUdp, sourcePort, 2000);

    /// <summary>A leaf with one downlink (port 0) and four uplinks (ports 1-4) in an ECMP group for 10.0.0.0/8, plus 10.99.0.0/16 on port 1.</summary>
    private sealed class Fabric
    {
        public Fabric(uint seed)
        {
            Router = new FabricRouter(Sim, Pool, "leaf1", new SwitchSpec(), seed);
            Ingress = new Link(Sim, Pool, new LinkSpec { RateBitsPerSecond = 100 * Gbps, QueueLimitBytes = 0 }, "down");
            Router.AddPort(Ingress.B, MacAddress.LocallyAdministered(0x500));
            var uplinks = new List<SwitchPort>();
            for (int i = 1; i <= 4; i++)
            {
                var link = new Link(Sim, Pool, new LinkSpec { RateBitsPerSecond = 100 * Gbps, QueueLimitBytes = 0 }, $"up{i}");
                var spine = new TtlRecorder(this);
                link.B.Attach(spine);
                SwitchPort port = Router.AddPort(link.A, MacAddress.LocallyAdministered(0x500UL + (ulong)i));
                port.PeerMac = MacAddress.LocallyAdministered(0x900UL + (ulong)i);
                uplinks.Add(port);
                Uplinks.Add(spine.Inner);
            }
            Router.AddRoute(Ipv4Prefix.Parse("10.0.0.0/8"), uplinks.ToArray());
            Router.AddRoute(Ipv4Prefix.Parse("10.99.0.0/16"), uplinks[0]);
        }

        public Simulator Sim { get; } = new();
        public PacketPool Pool { get; } = new();
        public FabricRouter Router { get; }
        public Link Ingress { get; }
        public List<RecordingEndpoint> Uplinks { get; } = new();
        public int LastTtl { get; set; }

        public void Send(ushort sourcePort) => Ingress.A.Transmit(UdpFrame(Pool, 100, sourcePort: sourcePort));
    }

    private sealed class TtlRecorder(Fabric fabric) : ILinkEndpoint
    {
        public RecordingEndpoint Inner { get; } = new(fabric.Sim, fabric.Pool);

        public void FrameArrived(Packet frame, LinkEnd at, long completeAtPs)
        {
            fabric.LastTtl = frame.Ipv4.Ttl;
            Inner.FrameArrived(frame, at, completeAtPs);
        }
    }
}
