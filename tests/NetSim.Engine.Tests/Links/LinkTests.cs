using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Links;

public class LinkTests
{
    // Hand calculation: wire bytes = max(packet + 4 FCS, 64) + 8 preamble + 12 gap; time = wire × 8 / rate.
    //   60 B (a minimum 64-byte frame)  → 84 wire bytes   = 672 bits
    //   1514 B (1500-byte IP packet)     → 1538 wire bytes = 12,304 bits
    //   9014 B (9000-byte IP packet)     → 9038 wire bytes = 72,304 bits
    [Theory]
    [InlineData(1, 60, 672_000L)]
    [InlineData(10, 60, 67_200L)]
    [InlineData(25, 60, 26_880L)]
    [InlineData(100, 60, 6_720L)]
    [InlineData(1, 1514, 12_304_000L)]
    [InlineData(10, 1514, 1_230_400L)]
    [InlineData(25, 1514, 492_160L)]
    [InlineData(100, 1514, 123_040L)]
    [InlineData(1, 9014, 72_304_000L)]
    [InlineData(10, 9014, 7_230_400L)]
    [InlineData(25, 9014, 2_892_160L)]
    [InlineData(100, 9014, 723_040L)]
    public void Serialization_and_propagation_match_the_hand_calculation(int gbps, int packetBytes, long serPs)
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        const long prop = 1_234_567; // ~247 m of fibre
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = gbps * Gbps, PropagationDelay = new SimTime(prop), Mtu = 9000 });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);

        Assert.Equal(serPs, link.A.Outbound.SerializationPs(packetBytes));
        link.A.Transmit(UdpFrame(pool, packetBytes));
        link.A.Transmit(UdpFrame(pool, packetBytes)); // back to back: starts when the first completes
        sim.Run();

        Assert.Equal([serPs + prop, 2 * serPs + prop], rx.Arrivals.Select(a => a.At));
        Assert.Equal(2 * serPs, link.A.Outbound.BusyPs);
        Assert.Equal(2, link.A.Outbound.Frames);
        Assert.Equal(2L * packetBytes, link.A.Outbound.Bytes);
    }

    [Fact]
    public void Padding_applies_below_the_minimum_frame()
    {
        // 20 bytes + 4 FCS = 24 → padded to 64, + 20 = 84 wire bytes, the same as a 60-byte packet.
        Assert.Equal(84, EthernetFraming.WireBytes(20));
        Assert.Equal(84, EthernetFraming.WireBytes(60));
        Assert.Equal(85, EthernetFraming.WireBytes(61));
    }

    [Fact]
    public void Serialization_rounds_up_to_the_next_picosecond_when_inexact()
    {
        // 12,304 bits at 3 Gbit/s = 4,101,333.33 ps → 4,101,334; at 7 Gbit/s = 1,757,714.28 ps → 1,757,715.
        Assert.Equal(4_101_334L, EthernetFraming.SerializationPs(1538, 3 * Gbps));
        Assert.Equal(1_757_715L, EthernetFraming.SerializationPs(1538, 7 * Gbps));
        Assert.Equal(1_230_400L, EthernetFraming.SerializationPs(1538, 10 * Gbps));
    }

    [Fact]
    public void Drop_tail_drops_exactly_when_the_queue_is_full_and_counters_add_up()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        // Room for exactly three 1514-byte frames waiting; the one on the wire is not queued.
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, QueueLimitBytes = 3 * 1514 });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        LinkChannel ch = link.A.Outbound;

        for (int i = 0; i < 10; i++)
        {
            link.A.Transmit(UdpFrame(pool, 1514));
            Assert.Equal(Math.Min(i, 3), ch.Queue.Count);
            Assert.Equal(Math.Max(0, i - 3), ch.DroppedQueueFull);
        }
        Assert.Equal(3 * 1514, ch.Queue.Bytes);
        // A smaller frame still fits nowhere: the limit is in bytes and the queue is exactly full.
        link.A.Transmit(UdpFrame(pool, 60));
        Assert.Equal(7, ch.DroppedQueueFull);
        Assert.True(PacketConservation.Check(sim, pool, [link]).Holds);

        sim.Run();
        Assert.Equal(4, ch.Frames);
        Assert.Equal(4, rx.Arrivals.Count);
        Assert.Equal(7, pool.Dropped(DropReason.QueueFull));
        Assert.Equal(11, ch.Frames + ch.Dropped);
        Assert.Equal(6 * 1_230_400L, ch.QueueDelayPs); // waits of 1, 2 and 3 frame times
        var report = PacketConservation.Check(sim, pool, [link]);
        Assert.True(report.Holds, report.ToString());
        Assert.Equal(0, report.InFlight);
    }

    [Fact]
    public void A_byte_limit_one_short_of_three_frames_holds_two()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = Gbps, QueueLimitBytes = 3 * 1514 - 1 });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        for (int i = 0; i < 5; i++) link.A.Transmit(UdpFrame(pool, 1514));
        Assert.Equal(2, link.A.Outbound.Queue.Count);
        Assert.Equal(2, link.A.Outbound.DroppedQueueFull);
    }

    [Fact]
    public void Random_loss_drops_about_p_of_the_frames()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        const double p = 0.02;
        const int n = 50_000;
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 100 * Gbps, LossProbability = p, QueueLimitBytes = 0 },
            "lossy", new Random(12345));
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        for (int i = 0; i < n; i++) link.A.Transmit(UdpFrame(pool, 100));
        sim.Run();

        long lost = link.A.Outbound.DroppedLoss;
        double sigma = Math.Sqrt(n * p * (1 - p)); // binomial: about 31 frames
        Assert.InRange(lost, (long)(n * p - 5 * sigma), (long)(n * p + 5 * sigma));
        Assert.Equal(n - lost, rx.Arrivals.Count);
        Assert.Equal(lost, pool.Dropped(DropReason.LinkLoss));
        Assert.True(PacketConservation.Check(sim, pool, [link]).Holds);
    }

    [Fact]
    public void Lossy_link_without_a_random_stream_is_rejected()
    {
        Assert.Throws<ArgumentException>(() =>
            new Link(new Simulator(), new PacketPool(), new LinkSpec { RateBitsPerSecond = Gbps, LossProbability = 0.1 }));
    }

    [Fact]
    public void Ect_packets_are_marked_ce_above_the_threshold_and_others_are_not()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps, EcnThresholdBytes = 3000 });
        var rx = new RecordingEndpoint(sim, pool);
        link.B.Attach(rx);
        // Frame i (i >= 1) finds i-1 frames of 1514 B waiting: above 3000 B from the 4th frame on (3028 B).
        for (int i = 0; i < 8; i++) link.A.Transmit(UdpFrame(pool, 1514, ecn: EcnCodepoint.Ect0));
        link.A.Transmit(UdpFrame(pool, 1514, ecn: EcnCodepoint.NotEct));
        sim.Run();

        var ecn = rx.Arrivals.Select(a => a.Ecn).ToArray();
        Assert.Equal(EcnCodepoint.Ect0, ecn[0]);
        Assert.Equal(EcnCodepoint.Ect0, ecn[2]);
        Assert.All(ecn[3..8], e => Assert.Equal(EcnCodepoint.CongestionExperienced, e));
        Assert.Equal(EcnCodepoint.NotEct, ecn[8]);
        Assert.Equal(5, link.A.Outbound.EcnMarked);
        Assert.Equal(0, link.A.Outbound.Dropped);
    }

    [Fact]
    public void Frames_larger_than_the_mtu_are_dropped()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = Gbps, Mtu = 1500 });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        link.A.Transmit(UdpFrame(pool, 1514));
        link.A.Transmit(UdpFrame(pool, 1515));
        sim.Run();
        Assert.Equal(1, link.A.Outbound.Frames);
        Assert.Equal(1, pool.Dropped(DropReason.MtuExceeded));
    }

    [Fact]
    public void Frames_to_an_unplugged_end_are_dropped_as_device_down()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = Gbps });
        link.A.Transmit(UdpFrame(pool, 100));
        sim.Run();
        Assert.Equal(1, pool.Dropped(DropReason.DeviceDown));
        Assert.True(PacketConservation.Check(sim, pool, [link]).Holds);
    }

    [Fact]
    public void Directions_are_independent_full_duplex()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        var a = new RecordingEndpoint(sim, pool);
        var b = new RecordingEndpoint(sim, pool);
        link.A.Attach(a);
        link.B.Attach(b);
        link.A.Transmit(UdpFrame(pool, 1514));
        link.B.Transmit(UdpFrame(pool, 1514));
        sim.Run();
        Assert.Equal(1_230_400L, a.Arrivals.Single().At);
        Assert.Equal(1_230_400L, b.Arrivals.Single().At);
    }

    [Fact]
    public void Utilisation_is_busy_time_over_elapsed_time()
    {
        var sim = new Simulator();
        var pool = new PacketPool();
        var link = new Link(sim, pool, new LinkSpec { RateBitsPerSecond = 10 * Gbps });
        link.B.Attach(new RecordingEndpoint(sim, pool));
        for (int i = 0; i < 4; i++) link.A.Transmit(UdpFrame(pool, 1514));
        sim.Run();
        Assert.Equal(0.5, link.A.Outbound.Utilisation(8 * 1_230_400L), 12);
    }
}
