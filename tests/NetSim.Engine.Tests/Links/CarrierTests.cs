using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Links;

/// <summary>
/// Carrier loss (netif_carrier_off): the frame on the wire does not arrive, the waiting queue is flushed, later frames
/// are refused, each counted once under the reason given; with the carrier back, frames flow again.
/// </summary>
public class CarrierTests
{
    [Fact]
    public void Frames_on_the_wire_in_the_queue_and_after_are_dropped_then_flow_again()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, PropagationDelay = new SimTime(1_000_000), Mtu = 1500 });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        for (int i = 0; i < 3; i++) link.A.Transmit(UdpFrame(pool, 1514)); // one on the wire, two queued
        link.LoseCarrier(DropReason.LinkDown);
        link.A.Transmit(UdpFrame(pool, 1514));
        sim.Run();

        Assert.Empty(rx.Arrivals);
        Assert.Equal(4, pool.Dropped(DropReason.LinkDown));
        Assert.Equal(4, link.A.Outbound.DroppedNoCarrier);
        Assert.Equal(4, link.A.Outbound.Dropped);
        Assert.False(link.B.Outbound.HasCarrier);

        link.RestoreCarrier();
        link.A.Transmit(UdpFrame(pool, 1514));
        sim.Run();
        Assert.Single(rx.Arrivals);
        Assert.Equal(4, pool.Dropped(DropReason.LinkDown));
    }

    [Fact]
    public void A_node_going_away_counts_its_frames_as_node_down()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, Mtu = 1500 });
        link.A.Attach(new RecordingEndpoint(sim, pool));
        link.B.Attach(new RecordingEndpoint(sim, pool));
        link.LoseCarrier(DropReason.NodeDown);
        link.B.Transmit(UdpFrame(pool, 100));
        sim.Run();
        Assert.Equal(1, pool.Dropped(DropReason.NodeDown));
        Assert.Equal(0, pool.Dropped(DropReason.LinkDown));
    }
}
