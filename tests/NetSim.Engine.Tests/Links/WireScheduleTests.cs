using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Links;

/// <summary>
/// A wire gives each frame its start when the frame is queued (the wire is a FIFO nothing pre-empts), so a frame costs
/// one event (its arrival), a store-and-forward switch hands frames to the egress wire for after its latency without an
/// event of its own, and the result is the same as starting each frame when the one before it completes.
/// </summary>
public class WireScheduleTests
{
    private const long FramePs = 1_230_400; // a 1514-byte frame at 10 Gbit/s (1538 byte times)

    [Fact]
    public void Back_to_back_frames_arrive_one_frame_time_apart_with_one_event_each()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, PropagationDelay = new SimTime(1_000_000) });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        for (int i = 0; i < 5; i++) link.A.Transmit(UdpFrame(pool, 1514));
        sim.Run();

        Assert.Equal(Enumerable.Range(1, 5).Select(k => k * FramePs + 1_000_000), rx.Arrivals.Select(a => a.At));
        Assert.Equal(5, sim.EventsProcessed);
        Assert.Equal(5, link.A.Outbound.Frames);
        Assert.Equal(5 * FramePs, link.A.Outbound.BusyPs);
        Assert.Equal((0 + 1 + 2 + 3 + 4) * FramePs, link.A.Outbound.QueueDelayPs);
    }

    /// <summary>
    /// A split run's dynamic lookahead across a wire: nothing handed to it from now on can arrive before the frames it
    /// has are out plus the shortest transit (a 64-byte frame's 67.2 ns at 10 Gbit/s and the propagation).
    /// </summary>
    [Fact]
    public void A_backlogged_wire_promises_no_arrival_before_its_frames_are_out_plus_the_shortest_transit()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, PropagationDelay = new SimTime(1_000_000) });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        LinkChannel ch = link.A.Outbound;
        Assert.Equal(67_200 + 1_000_000, ch.MinimumTransitPs);
        Assert.Equal(500 + ch.MinimumTransitPs, ch.EarliestCrossingPs(500)); // idle: the static lookahead
        for (int i = 0; i < 3; i++) link.A.Transmit(UdpFrame(pool, 1514));
        Assert.Equal(3 * FramePs + ch.MinimumTransitPs, ch.EarliestCrossingPs(0));
        Assert.Equal(4 * FramePs + ch.MinimumTransitPs, ch.EarliestCrossingPs(4 * FramePs));

        link.A.Transmit(UdpFrame(pool, 60)); // the shortest frame handed now arrives exactly at the promise
        sim.Run();
        Assert.Equal(3 * FramePs + ch.MinimumTransitPs, rx.Arrivals[^1].At);
    }

    [Fact]
    public void Counters_count_only_frames_that_have_started()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        LinkChannel ch = link.A.Outbound;
        for (int i = 0; i < 4; i++) link.A.Transmit(UdpFrame(pool, 1514));

        sim.RunUntil(new SimTime(FramePs + FramePs / 2)); // the second frame is on the wire, two wait
        Assert.Equal(2, ch.Frames);
        Assert.Equal(2 * 1514, ch.Bytes);
        Assert.Equal(2 * 1538, ch.WireBytes);
        Assert.Equal(2, ch.Queue.Count);
        Assert.True(ch.IsBusy);
        Assert.True(PacketConservation.Check(sim, pool, [link]).Holds);

        sim.Run();
        Assert.Equal(4, ch.Frames);
        Assert.True(ch.IsIdle);
        Assert.Equal(0, ch.Queue.Count);
    }

    [Fact]
    public void A_store_and_forward_switch_adds_no_event_and_keeps_the_timing()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var sw = new EthernetSwitch(sim, pool, "tor", new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(500) });
        var spec = new LinkSpec { RateBitsPerSecond = 10 * Gbps, PropagationDelay = new SimTime(1_000_000) };
        var up = new Link(sim, pool, spec, "up");
        var down = new Link(sim, pool, spec, "down");
        up.A.Attach(new RecordingEndpoint(sim, pool));
        var rx = new RecordingEndpoint(sim, pool);
        down.A.Attach(rx);
        sw.AddPort(up.B);
        sw.AddStaticEntry(MacB, sw.AddPort(down.B));
        for (int i = 0; i < 3; i++) up.A.Transmit(UdpFrame(pool, 1514));
        sim.Run();

        // Frame k is in at the switch at (k+1) frame times + propagation, leaves 500 ns later, and the egress wire
        // is free by then, so each arrives one frame time, the latency and one more propagation after that.
        Assert.Equal(Enumerable.Range(1, 3).Select(k => k * FramePs + 1_000_000 + 500_000 + FramePs + 1_000_000), rx.Arrivals.Select(a => a.At));
        Assert.Equal(6, sim.EventsProcessed); // two arrivals per frame, nothing for the wire ends or the switch
    }

    [Fact]
    public void A_switch_buffer_fills_as_if_each_frame_were_queued_after_the_latency()
    {
        // Two 10G inputs into one 10G output with a two-frame buffer: the output gains a frame every frame time and
        // drops once the buffer is full, whether the frames reach it through events or handed ahead.
        var sim = new Simulator();
        var pool = new PacketPool();
        var sw = new EthernetSwitch(sim, pool, "tor", new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(300), PortBufferBytes = 2 * 1514 });
        var spec = new LinkSpec { RateBitsPerSecond = 10 * Gbps };
        var a = new Link(sim, pool, spec, "a");
        var c = new Link(sim, pool, spec, "c");
        var b = new Link(sim, pool, spec, "b");
        foreach (var l in new[] { a, c }) l.A.Attach(new RecordingEndpoint(sim, pool));
        var rx = new RecordingEndpoint(sim, pool);
        b.A.Attach(rx);
        sw.AddPort(a.B);
        sw.AddPort(c.B);
        sw.AddStaticEntry(MacB, sw.AddPort(b.B));
        for (int i = 0; i < 6; i++)
        {
            a.A.Transmit(UdpFrame(pool, 1514));
            c.A.Transmit(UdpFrame(pool, 1514));
        }
        sim.Run();

        Assert.Equal(12, rx.Arrivals.Count + sw.Ports[2].End.Outbound.DroppedQueueFull);
        Assert.Equal(4, sw.Ports[2].End.Outbound.DroppedQueueFull); // port c's frames from the third step on
        Assert.Equal(2 * 1514, sw.Ports[2].End.Outbound.Queue.PeakBytes);
        var arrivals = rx.Arrivals.Select(x => x.At).ToList();
        for (int i = 1; i < arrivals.Count; i++) Assert.Equal(FramePs, arrivals[i] - arrivals[i - 1]); // the output never idles
        Assert.True(PacketConservation.Check(sim, pool, [a, b, c]).Holds);
    }

    [Fact]
    public void Frames_must_be_handed_in_time_order()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        link.A.Outbound.TransmitAt(UdpFrame(pool, 100), 5_000);
        Packet late = UdpFrame(pool, 100);
        Assert.Throws<InvalidOperationException>(() => link.A.Outbound.TransmitAt(late, 4_000));
        pool.Deliver(late);
    }

    [Fact]
    public void A_frame_handed_ahead_is_cut_by_a_carrier_loss_before_its_time()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        link.A.Outbound.TransmitAt(UdpFrame(pool, 1514), 10_000_000);
        link.LoseCarrier(DropReason.LinkDown);
        Assert.Equal(1, link.A.Outbound.DroppedNoCarrier);
        Assert.Equal(0, link.A.Outbound.Frames);
        link.RestoreCarrier();
        sim.Run();
        Assert.Empty(rx.Arrivals);
        Assert.Equal(1, pool.Dropped(DropReason.LinkDown));
        Assert.Equal(0, PacketConservation.Check(sim, pool, [link]).InFlight);
    }

    [Fact]
    public void A_sender_gets_its_buffer_back_when_its_frame_starts_not_when_it_is_queued()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        var owner = new RecordingOwner(sim);
        for (int i = 0; i < 3; i++)
        {
            Packet p = UdpFrame(pool, 1514);
            p.Owner = owner;
            p.Truesize = 2304;
            link.A.Transmit(p);
        }
        sim.Run();
        Assert.Equal([(0L, 2304), (FramePs, 2304), (2 * FramePs, 2304)], owner.Freed);
    }

    private sealed class RecordingOwner(Simulator sim) : ISkbOwner
    {
        public List<(long At, int Truesize)> Freed { get; } = new();
        public void Free(int truesize) => Freed.Add((sim.NowPicoseconds, truesize));
    }
}
