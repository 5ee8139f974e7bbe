using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Links;

public class EthernetSwitchTests
{
    private static readonly MacAddress MacC = MacAddress.LocallyAdministered(0xC);

    [Fact]
    public void Unknown_destinations_flood_and_learned_ones_go_to_one_port()
    {
        var net = new SwitchedNet(new SwitchSpec(), 3);
        net.Send(0, MacA, MacB);      // MacB unknown: flooded to ports 1 and 2
        net.Sim.Run();
        Assert.Equal([0, 1, 1], net.Hosts.Select(h => h.Arrivals.Count));

        net.Send(1, MacB, MacA);      // MacA learned on port 0
        net.Sim.Run();
        net.Send(0, MacA, MacB);      // MacB learned on port 1 from the reply
        net.Sim.Run();

        Assert.Single(net.Hosts[0].Arrivals);
        Assert.Equal(2, net.Hosts[1].Arrivals.Count);
        Assert.Single(net.Hosts[2].Arrivals); // only the first, flooded, copy
        Assert.Same(net.Switch.Ports[0], net.Switch.Lookup(MacA));
        Assert.Same(net.Switch.Ports[1], net.Switch.Lookup(MacB));
        Assert.Equal(1, net.Switch.Flooded);
        Assert.Equal(4, net.Pool.Delivered); // 3 frames sent + 1 flood copy
        Assert.True(net.Conservation().Holds);
    }

    [Fact]
    public void Static_entries_forward_and_unknown_frames_drop_when_flooding_is_off()
    {
        var net = new SwitchedNet(new SwitchSpec(), 3);
        net.Switch.Learning = false;
        net.Switch.Flooding = false;
        net.Switch.AddStaticEntry(MacC, net.Switch.Ports[2]);
        net.Send(0, MacA, MacC);
        net.Send(0, MacA, MacB);
        net.Sim.Run();
        Assert.Single(net.Hosts[2].Arrivals);
        Assert.Empty(net.Hosts[1].Arrivals);
        Assert.Equal(1, net.Pool.Dropped(DropReason.NoForwardingEntry));
        Assert.Equal(1, net.Switch.FdbCount);
    }

    [Fact]
    public void Learning_never_overrides_a_static_entry()
    {
        var net = new SwitchedNet(new SwitchSpec(), 3);
        net.Switch.AddStaticEntry(MacB, net.Switch.Ports[1]);
        net.Send(2, MacB, MacA); // MacB appears on port 2 as a source
        net.Sim.Run();
        Assert.Same(net.Switch.Ports[1], net.Switch.Lookup(MacB));
    }

    [Fact]
    public void Store_and_forward_waits_for_the_whole_frame()
    {
        var net = new SwitchedNet(new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(500) }, 2, propagationNs: 1000);
        net.Switch.AddStaticEntry(MacB, net.Switch.Ports[1]);
        net.Send(0, MacA, MacB, 1514);
        net.Sim.Run();
        // (1,230,400 ser + 1,000,000 prop) in, 500,000 latency, (1,230,400 + 1,000,000) out.
        Assert.Equal(4_960_800L, net.Hosts[1].Arrivals.Single().At);
    }

    [Fact]
    public void Cut_through_forwards_once_the_header_is_in()
    {
        var net = new SwitchedNet(new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(500), CutThrough = true }, 2, propagationNs: 1000);
        net.Switch.AddStaticEntry(MacB, net.Switch.Ports[1]);
        net.Send(0, MacA, MacB, 1514);
        net.Sim.Run();
        // Preamble 8 + header 14 = 22 bytes at 10G = 17,600 ps, + 1 µs prop, + 500 ns, then the full frame out.
        Assert.Equal(17_600 + 1_000_000 + 500_000 + 1_230_400 + 1_000_000L, net.Hosts[1].Arrivals.Single().At);
    }

    [Fact]
    public void Cut_through_falls_back_to_store_and_forward_onto_a_faster_port()
    {
        var net = new SwitchedNet(new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(500), CutThrough = true }, 2,
            propagationNs: 1000, gbpsPerPort: [10, 100]);
        net.Switch.AddStaticEntry(MacB, net.Switch.Ports[1]);
        net.Send(0, MacA, MacB, 1514);
        net.Sim.Run();
        Assert.Equal(1_230_400 + 1_000_000 + 500_000 + 123_040 + 1_000_000L, net.Hosts[1].Arrivals.Single().At);
    }

    [Fact]
    public void Egress_buffers_drop_tail_and_conservation_holds_with_drops()
    {
        var net = new SwitchedNet(new SwitchSpec { PortBufferBytes = 2 * 1514 }, 3);
        net.Switch.AddStaticEntry(MacB, net.Switch.Ports[1]);
        for (int i = 0; i < 5; i++)
        {
            net.Send(0, MacA, MacB, 1514);
            net.Send(2, MacC, MacB, 1514);
        }
        // Each frame time: port 0's frame arrives, the egress finishes one and starts the next, port 2's frame
        // arrives (that is the event order). So the buffer (two frames) grows by one per step and from the third
        // step on port 0's frame finds it full: 3 drops, 7 delivered.
        net.Sim.RunUntil(new SimTime(3 * 1_230_400L + 1));
        var mid = net.Conservation();
        Assert.True(mid.Holds, mid.ToString());
        Assert.True(mid.InFlight > 0); // frames waiting in the egress buffer travel in their arrival events
        net.Sim.Run();
        Assert.Equal(7, net.Hosts[1].Arrivals.Count);
        Assert.Equal(3, net.Switch.Ports[1].End.Outbound.DroppedQueueFull);
        Assert.Equal(3, net.Pool.Dropped(DropReason.QueueFull));
        var end = net.Conservation();
        Assert.True(end.Holds, end.ToString());
        Assert.Equal(0, end.InFlight);
    }

    /// <summary>Hosts (recording endpoints) each on their own link to one switch port.</summary>
    private sealed class SwitchedNet
    {
        private readonly List<Link> _links = new();

        public SwitchedNet(SwitchSpec spec, int ports, long propagationNs = 0, long[]? gbpsPerPort = null)
        {
            Switch = new EthernetSwitch(Sim, Pool, "tor", spec);
            for (int i = 0; i < ports; i++)
            {
                long gbps = gbpsPerPort?[i] ?? 10;
                var link = new Link(Sim, Pool, new LinkSpec { RateBitsPerSecond = gbps * Gbps, PropagationDelay = SimTime.FromNanoseconds(propagationNs) }, $"l{i}");
                var host = new RecordingEndpoint(Sim, Pool);
                link.A.Attach(host);
                Switch.AddPort(link.B, MacAddress.LocallyAdministered(0x1000UL + (ulong)i));
                Hosts.Add(host);
                _links.Add(link);
            }
        }

        public Simulator Sim { get; } = new();
        public PacketPool Pool { get; } = new();
        public EthernetSwitch Switch { get; }
        public List<RecordingEndpoint> Hosts { get; } = new();

        public void Send(int host, MacAddress src, MacAddress dst, int length = 100) =>
            _links[host].A.Transmit(UdpFrame(Pool, length, src, dst));

        public ConservationReport Conservation() =>
            PacketConservation.Check(Sim, Pool, _links.Select(l => l.A.Outbound).Concat(Switch.Holders));
    }
}
