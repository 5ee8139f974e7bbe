using NetSim.Engine.Costs;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

public class NicTests
{
    private const int Mss = 1448;
    // A 64 KiB TSO send: the IPv4 length is capped at 65,535, so the payload is 65,535 − 20 − 32 = 65,483 bytes.
    private const int MaxTsoPayload = 65_483;

    [Fact]
    public void A_64k_tso_send_becomes_mss_sized_frames_and_gro_merges_them_back_into_one_packet()
    {
        // Coalescing longer than the 46-frame burst (46 × 123 ns at 100G), so one NAPI poll sees every frame.
        var rig = new NicRig(coalesceNs: 20_000);
        rig.NicA.Receive(TcpPacket(rig.Pool, MaxTsoPayload, Mss, seq: 1000));
        rig.Sim.Run();

        int frames = (65_536 + Mss - 1) / Mss;
        Assert.Equal(46, frames);
        Assert.Equal(frames, rig.TapA.Frames.Count);
        Assert.Equal(frames, rig.TapB.Frames.Count);
        Assert.Equal(frames, rig.Link.A.Outbound.Frames);
        for (int i = 0; i < frames; i++)
        {
            var f = rig.TapA.Frames[i];
            Assert.Equal(unchecked(1000u + (uint)(i * Mss)), f.Seq);
            Assert.Equal((ushort)(100 + i), f.IpId);
            Assert.Equal(i < frames - 1 ? 1500 : 20 + 32 + MaxTsoPayload - 45 * Mss, f.Ipv4Length);
        }
        Assert.Equal(frames, rig.NicA.HardwareSegments);
        Assert.Equal(0, rig.NicA.SoftwareSegments);
        Assert.Equal(NicRig.XmitNs * 1000, rig.CpuA); // one descriptor chain, no per-segment CPU

        var merged = Assert.Single(rig.Sink.Received);
        Assert.Equal(MaxTsoPayload, merged.Payload);
        Assert.Equal(Mss, merged.GsoSize);
        Assert.Equal(1000u, merged.Seq);
        Assert.Equal(45, rig.NicB.RxQueues[0].GroMerged);
        Assert.Equal(1, rig.NicB.RxQueues[0].Polls);
        Assert.Equal((frames * NicRig.ReceiveNs + (frames - 1) * NicRig.GroMergeNs) * 1000, rig.CpuB);

        Assert.Equal(1 + 45, rig.Pool.Absorbed); // the super-packet into its segments, 45 segments into the first
        Assert.Equal(1, rig.Pool.Delivered);
        var report = rig.Conservation();
        Assert.True(report.Holds, report.ToString());
    }

    [Fact]
    public void Without_tunnel_tso_an_encapsulated_super_packet_is_segmented_in_software_on_the_cpu()
    {
        var rig = new NicRig(specA: new NicSpec { Mac = MacA, Offloads = NicOffloads.Checksum | NicOffloads.Tso | NicOffloads.Gro });
        rig.NicA.Receive(VxlanSuperPacket(rig.Pool, segments: 10));
        rig.Sim.Run();

        Assert.Equal(10, rig.NicA.SoftwareSegments);
        Assert.Equal(0, rig.NicA.HardwareSegments);
        Assert.Equal(10 * (NicRig.XmitNs + NicRig.GsoSegmentNs) * 1000, rig.CpuA);
        AssertVxlanSegments(rig);
    }

    [Fact]
    public void With_tunnel_tso_the_nic_segments_an_encapsulated_super_packet_for_one_xmit()
    {
        var rig = new NicRig();
        rig.NicA.Receive(VxlanSuperPacket(rig.Pool, segments: 10));
        rig.Sim.Run();

        Assert.Equal(10, rig.NicA.HardwareSegments);
        Assert.Equal(NicRig.XmitNs * 1000, rig.CpuA);
        AssertVxlanSegments(rig);
    }

    [Fact]
    public void Without_tso_a_plain_tcp_super_packet_costs_gso_and_xmit_per_segment()
    {
        var rig = new NicRig(specA: new NicSpec { Mac = MacA, Offloads = NicOffloads.Checksum | NicOffloads.Gro });
        rig.NicA.Receive(TcpPacket(rig.Pool, 4 * Mss, Mss));
        rig.Sim.Run();
        Assert.Equal(4, rig.TapA.Frames.Count);
        Assert.Equal(4 * (NicRig.XmitNs + NicRig.GsoSegmentNs) * 1000, rig.CpuA);
    }

    [Fact]
    public void A_gso_packet_that_fits_one_segment_leaves_as_a_plain_frame()
    {
        var rig = new NicRig();
        rig.NicA.Receive(TcpPacket(rig.Pool, 1000, Mss));
        rig.Sim.Run();
        Assert.Single(rig.TapA.Frames);
        Assert.Equal(0, rig.Sink.Received.Single().GsoSize);
        Assert.Equal(0, rig.NicA.HardwareSegments);
    }

    [Fact]
    public void Without_checksum_offload_both_ends_pay_per_byte()
    {
        var spec = (MacAddress mac) => new NicSpec { Mac = mac, Offloads = NicOffloads.Tso | NicOffloads.Gro };
        var rig = new NicRig(spec(MacA), spec(MacB), checksumFsPerByte: 2000); // 2 ps per byte
        rig.NicA.Receive(TcpPacket(rig.Pool, 1000, 0));
        rig.Sim.Run();
        const int frame = 14 + 20 + 32 + 1000;
        Assert.Equal(NicRig.XmitNs * 1000 + 2 * frame, rig.CpuA);
        Assert.Equal(NicRig.ReceiveNs * 1000 + 2 * frame, rig.CpuB);
    }

    [Fact]
    public void A_small_frame_takes_cpu_plus_hardware_latencies_plus_wire_time()
    {
        var rig = new NicRig(gbps: 10, txLatencyNs: 500, rxLatencyNs: 1000, propagationNs: 1000);
        rig.NicA.Receive(UdpFrame(rig.Pool, 60));
        rig.Sim.Run();
        // xmit 300 ns + TX DMA 500 ns + 84 wire bytes at 10G (67.2 ns) + 1 µs propagation + RX 1 µs + receive 200 ns.
        Assert.Equal(300_000 + 500_000 + 67_200 + 1_000_000 + 1_000_000 + 200_000L, rig.Sink.Received.Single().At);
        Assert.Equal(800_000L, rig.TapA.Frames.Single().At);
        Assert.Equal(1_867_200L, rig.TapB.Frames.Single().At);
    }

    [Fact]
    public void Napi_polls_at_most_the_budget_per_poll()
    {
        var rig = new NicRig(coalesceNs: 50_000);
        for (int i = 0; i < 100; i++) rig.NicA.Receive(UdpFrame(rig.Pool, 200, MacA, MacB));
        rig.Sim.Run();
        Assert.Equal(100, rig.Sink.Received.Count);
        Assert.Equal(2, rig.NicB.RxQueues[0].Polls); // 64 + 36
        Assert.Equal(100 * NicRig.ReceiveNs * 1000, rig.CpuB);
    }

    private static readonly InterruptModeration I40e = new() { Adaptive = true, MinIntervalPs = 2_000_000, MaxIntervalPs = 126_000_000 };

    [Fact]
    public void Adaptive_moderation_batches_a_busy_queue_and_leaves_an_isolated_frame_alone()
    {
        // 4,000 full frames back to back at 40 GbE (0.3 µs apart): the receiving core needs 0.2 µs for each, so with an
        // interrupt per ready frame (fixed moderation, no delay) nearly every poll finds one frame.
        NicRig Stream(InterruptModeration? moderation)
        {
            var rig = new NicRig(gbps: 40, moderation: moderation);
            for (int i = 0; i < 4000; i++) rig.NicA.Receive(UdpFrame(rig.Pool, 1472, MacA, MacB));
            rig.Sim.Run();
            Assert.Equal(4000, rig.Sink.Received.Count);
            Assert.True(rig.Conservation().Holds);
            return rig;
        }
        double fixedPerPoll = 4000.0 / Stream(null).NicB.RxQueues[0].Polls;
        var adaptive = Stream(I40e).NicB.RxQueues[0];
        double adaptivePerPoll = 4000.0 / adaptive.Polls;
        Assert.InRange(fixedPerPoll, 1, 1.5);
        // The interval climbs to 16-18 µs (50-60 frames per interrupt); the polls that follow an interrupt drain the
        // frames that arrive meanwhile, and over 112 frames per interrupt halve the interval again: 8-18 µs.
        Assert.True(adaptivePerPoll > 5 * fixedPerPoll, $"{adaptivePerPoll:0.0} frames per poll against {fixedPerPoll:0.0}: the interval should grow with the load");
        Assert.InRange(adaptive.InterruptIntervalPs, 8_000_000, 18_000_000);

        // One frame on a quiet queue interrupts at once: the same arrival as without moderation.
        long At(InterruptModeration? moderation)
        {
            var rig = new NicRig(gbps: 40, moderation: moderation);
            rig.NicA.Receive(UdpFrame(rig.Pool, 60));
            rig.Sim.Run();
            return rig.Sink.Received.Single().At;
        }
        Assert.Equal(At(null), At(I40e));
    }

    [Fact]
    public void An_mlx5_queue_interrupts_a_period_after_its_latest_frame_and_its_spec_overrides_the_profile()
    {
        // The profile says i40e (an isolated frame interrupts at once); the NIC's own driver, mlx5, waits 8 µs (DIM's
        // default CQE profile) after the latest frame: a burst of three moves its interrupt with each frame.
        long Last(int frames, string? driver)
        {
            var spec = new NicSpec { Mac = MacB, Moderation = driver is null ? null : NicDrivers.Moderation(driver) };
            var rig = new NicRig(specB: spec, gbps: 40, moderation: I40e);
            for (int i = 0; i < frames; i++) rig.NicA.Receive(UdpFrame(rig.Pool, 1472, MacA, MacB));
            rig.Sim.Run();
            Assert.Equal(frames, rig.Sink.Received.Count);
            Assert.Equal(1, rig.NicB.RxQueues[0].Polls);
            Assert.True(rig.Conservation().Holds);
            return rig.Sink.Received[^1].At;
        }
        Assert.Equal(Last(1, null) + 8_000_000, Last(1, NicDrivers.Mlx5));
        const long gap = 300_000; // full frames back to back at 40 GbE, as above
        Assert.Equal(Last(1, NicDrivers.Mlx5) + (2 * gap) + (2 * NicRig.ReceiveNs * 1000), Last(3, NicDrivers.Mlx5));
    }

    [Fact]
    public void Frames_beyond_the_rx_ring_are_dropped_and_conservation_holds()
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, RxRingSize = 8 }, coalesceNs: 50_000);
        for (int i = 0; i < 20; i++) rig.NicA.Receive(UdpFrame(rig.Pool, 200, MacA, MacB));
        rig.Sim.RunUntil(new Core.SimTime(10_000_000)); // all arrived, poll not yet run
        Assert.Equal(12, rig.NicB.RxQueues[0].RingDrops);
        Assert.Equal(8, rig.NicB.RxQueues[0].HeldPackets);
        var mid = rig.Conservation();
        Assert.True(mid.Holds, mid.ToString());
        rig.Sim.Run();
        Assert.Equal(8, rig.Sink.Received.Count);
        Assert.Equal(12, rig.Pool.Dropped(DropReason.QueueFull));
        Assert.True(rig.Conservation().Holds);
    }

    [Fact]
    public void Gro_merges_only_in_order_segments_of_one_flow()
    {
        var rig = new NicRig(coalesceNs: 20_000);
        void Send(uint seq, ushort port) => rig.NicA.Receive(Segment(rig.Pool, seq, port));
        Send(1000, 1);
        Send(2448, 1);
        Send(7000, 1);        // a gap: the held packet is flushed, this one starts a new one
        Send(1000, 2);        // another flow, held separately
        Send(8448, 1);
        Send(2448, 2);
        rig.Sim.Run();

        var got = rig.Sink.Received.Select(r => (r.Seq, r.Payload)).ToArray();
        Assert.Equal([(1000u, 2 * Mss), (7000u, 2 * Mss), (1000u, 2 * Mss)], got);
        Assert.Equal(3, rig.NicB.RxQueues[0].GroMerged);
        Assert.True(rig.Conservation().Holds);
    }

    [Fact]
    public void Gro_never_merges_a_ce_marked_segment_into_an_unmarked_one()
    {
        var rig = new NicRig(coalesceNs: 20_000);
        rig.NicA.Receive(Segment(rig.Pool, 1000, 1));
        Packet marked = Segment(rig.Pool, 2448, 1);
        marked.Ipv4.Ecn = EcnCodepoint.CongestionExperienced;
        rig.NicA.Receive(marked);
        rig.Sim.Run();
        Assert.Equal(2, rig.Sink.Received.Count);
    }

    [Fact]
    public void Without_gro_every_frame_goes_up_alone()
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, Offloads = NicOffloads.Checksum | NicOffloads.Tso }, coalesceNs: 20_000);
        rig.NicA.Receive(TcpPacket(rig.Pool, 10 * Mss, Mss));
        rig.Sim.Run();
        Assert.Equal(10, rig.Sink.Received.Count);
        Assert.All(rig.Sink.Received, r => Assert.Equal(0, r.GsoSize));
    }

    [Fact]
    public void Frames_for_another_mac_are_dropped_unless_promiscuous()
    {
        var other = MacAddress.LocallyAdministered(0xC);
        var rig = new NicRig();
        rig.NicA.Receive(UdpFrame(rig.Pool, 100, MacA, other));
        rig.NicA.Receive(UdpFrame(rig.Pool, 100, MacA, MacAddress.Broadcast));
        rig.Sim.Run();
        Assert.Single(rig.Sink.Received);
        Assert.Equal(1, rig.Pool.Dropped(DropReason.NotForThisHost));

        var promiscuous = new NicRig(specB: new NicSpec { Mac = MacB, Promiscuous = true });
        promiscuous.NicA.Receive(UdpFrame(promiscuous.Pool, 100, MacA, other));
        promiscuous.Sim.Run();
        Assert.Single(promiscuous.Sink.Received);
    }

    [Fact]
    public void Packets_over_the_mtu_are_dropped_at_transmit()
    {
        var rig = new NicRig();
        rig.NicA.Receive(TcpPacket(rig.Pool, 1500, 0));
        rig.Sim.Run();
        Assert.Equal(1, rig.Pool.Dropped(DropReason.MtuExceeded));
        Assert.Empty(rig.TapA.Frames);
    }

    [Fact]
    public void Transmit_queue_follows_the_sending_core()
    {
        var rig = new NicRig(specA: new NicSpec { Mac = MacA, TxQueues = 4 });
        for (int core = 0; core < 8; core++)
        {
            Packet p = UdpFrame(rig.Pool, 100, MacA, MacB);
            p.Core = core;
            rig.NicA.Receive(p);
        }
        rig.Sim.Run();
        Assert.All(rig.NicA.TxQueues, q => Assert.Equal(2, q.Packets));
    }

    private static Packet Segment(PacketPool pool, uint seq, ushort port)
    {
        Packet p = TcpPacket(pool, Mss, 0, seq, port);
        p.Tcp.Flags = TcpFlags.Ack; // no PSH: the train continues
        return p;
    }

    private static Packet VxlanSuperPacket(PacketPool pool, int segments)
    {
        // Inner MTU 1450 (VXLAN's 50 bytes): MSS = 1450 − 20 − 32 = 1398.
        Packet p = TcpPacket(pool, segments * 1398, 1398);
        Vxlan(p, 51000, Ipv4Address.Parse("192.168.0.1"), Ipv4Address.Parse("192.168.0.2"));
        return p;
    }

    private static void AssertVxlanSegments(NicRig rig)
    {
        Assert.Equal(10, rig.TapA.Frames.Count);
        for (int i = 0; i < 10; i++)
        {
            var f = rig.TapA.Frames[i];
            Assert.Equal(1500, f.Ipv4Length);          // outer IPv4 at exactly the underlay MTU
            Assert.Equal(1000u + (uint)(i * 1398), f.Seq); // inner TCP sequence advances
            Assert.Equal((ushort)(500 + i), f.IpId);    // outer IP id advances
        }
    }
}
