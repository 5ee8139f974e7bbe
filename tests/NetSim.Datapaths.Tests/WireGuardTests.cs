using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// WireGuard as drivers/net/wireguard runs it: wg_xmit on the sending CPU, per-CPU crypt workers, the per-peer
/// serial transmit worker and NAPI, bounded queues between them. Costs come from <see cref="TestCosts"/>, so each
/// expected time is a sum of its constants.
/// </summary>
public class WireGuardTests
{
    private const int UdpPayload = 100;
    private const int Inner = 20 + 8 + UdpPayload;

    private static (TestBed, Cluster, Sink) SendOne(int payload, Overlay overlay = Overlay.WireGuard)
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, overlay);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, payload));
        bed.Run();
        return (bed, c, sink);
    }

    [Fact]
    public void A_packet_gains_60_bytes_and_pays_every_stage_once()
    {
        var (bed, c, sink) = SendOne(UdpPayload);
        var (plainBed, _, plainSink) = SendOne(UdpPayload, Overlay.HostGw);
        Assert.Equal(1440, c.Tunnel1!.Mtu);
        Assert.Equal(Inner + 60, Assert.Single(c.Wire.OuterIpLengths));
        // Versus host-gw. Node 1: wg_xmit, encrypt_packet (per byte of plaintext), the transmit worker, and a second
        // ip_local_out/ip_output for the outer packet (wg0 has no neighbour step; eth0 has one either way). Node 2: the
        // outer packet's ip_rcv, wg_receive, decrypt_packet (per byte), the NAPI poll and a second receive on wg0.
        long extra = Ns(WireGuardXmit + WireGuardEncrypt + WireGuardTxWorker + RouteLookup + IpOutput +
                        IpReceive + RouteLookup + WireGuardReceive + WireGuardDecrypt + WireGuardRxPoll + NetifReceive)
                     + 2 * WireGuardPerBytePs * Inner;
        Assert.Equal(extra, Assert.Single(sink.Arrivals).At - Assert.Single(plainSink.Arrivals).At);
        bed.AssertConservation();
        plainBed.AssertConservation();
    }

    [Fact]
    public void Encryption_and_decryption_cost_the_crypto_rate_per_byte_of_plaintext()
    {
        long Extra(int payload) => SendOne(payload).Item3.Arrivals[0].At - SendOne(payload, Overlay.HostGw).Item3.Arrivals[0].At;
        // 1,000 more bytes: only the two per-byte crypto charges grow (the test wire has no serialization time).
        Assert.Equal(1000 * 2 * WireGuardPerBytePs, Extra(1100) - Extra(100));
    }

    [Fact]
    public void Every_stage_is_a_hop_of_the_trace_in_pipeline_order()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        var hops = new List<HopRecord>();
        bed.Pool.TraceNewPackets = true;
        bed.Pool.TraceFinished = p => hops.AddRange(p.Trace!.Hops);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        string[] stages = ["wg0", "wg0/wg_packet_encrypt_worker", "wg0/wg_packet_tx_worker", "host/wg0/wg_receive",
            "wg0/wg_packet_decrypt_worker", "wg0/wg_packet_rx_poll", "wg0/rx"];
        int[] at = stages.Select(s => hops.FindIndex(h => h.Element == s)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0, "a stage is missing: " + string.Join(", ", hops.Select(h => h.Element))));
        Assert.Equal(at.Order(), at);
        Assert.StartsWith("wg_xmit", hops[at[0]].Action, StringComparison.Ordinal);
        Assert.Equal(Ns(WireGuardEncrypt) + WireGuardPerBytePs * Inner, hops[at[1]].CpuPs);
        bed.AssertConservation();
    }

    [Fact]
    public void A_GSO_packet_is_cut_into_MTU_sized_packets_each_copied_and_encrypted_and_merged_again_by_the_peers_GRO()
    {
        const int Mss = 1400, Segments = 10;
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolTcp);
        Packet gso = bed.Tcp("10.244.1.2", "10.244.2.2", 40000, 5201, TcpFlags.Ack, payload: Segments * Mss, seq: 1, ack: 1);
        gso.GsoSize = Mss;
        bed.SendAt(0, c.N1.Pods[0], gso);
        bed.Run();
        const int InnerSegment = 20 + 20 + Mss;
        Assert.Equal(Enumerable.Repeat(InnerSegment + 60, Segments), c.Wire.OuterIpLengths);
        var wg = (WireGuardDevice)c.Tunnel1!;
        // wg_xmit: per segment gso.segment + wireguard.xmit with its per-byte copy; the encrypt worker per packet.
        Assert.Equal(Segments * (Ns(GsoSegment + WireGuardXmit) + WireGuardXmitPerBytePs * InnerSegment), wg.Stats.CpuPs);
        Assert.Equal(Segments * (Ns(WireGuardEncrypt) + WireGuardPerBytePs * InnerSegment), Stage(c.N1.Node, "wg0/wg_packet_encrypt_worker").CpuPs);
        // The receiving NAPI checks each packet and merges all but the first into it (gro.merge).
        Assert.Equal(Segments + Segments - 1, Stage(c.N2.Node, "wg0/wg_packet_rx_poll").Packets);
        Arrival merged = Assert.Single(sink.Arrivals); // GRO on the peer's NAPI put the train back together
        Assert.Equal(20 + 20 + Segments * Mss, merged.Ipv4Length);
        bed.AssertConservation();
    }

    /// <summary>One core per node does everything; more cores take the crypto, until the serial transmit worker is the limit.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void One_tunnels_rate_rises_with_cores_until_the_serial_transmit_worker_saturates(int cores)
    {
        double rate = StreamRate(cores);
        // Per packet: the transmit worker and the outer ip_local_out/ip_output/neigh on the peer's serial CPU, and
        // the crypto spread evenly over every CPU (wg_cpumask_next_online), so the serial CPU also does 1/cores of it.
        double serial = Ns(TxWorkerSlow + RouteLookup + IpOutput + NeighOutput);
        double crypto = Ns(EncryptSlow) + WireGuardPerBytePs * Inner;
        double sendPath = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + BridgeForward + 2 * BridgeFdbLookup +
                             NetifReceive + IpReceive + RouteLookup + IpForward + IpOutput + WireGuardXmit);
        // One core does all of it. With more, the busiest CPU does at most its 1/cores share of the crypto on top of
        // its own stage (less when workers on idler CPUs drain the shared ring first), and never less than the serial stage.
        double perPacketPs = cores == 1 ? sendPath + crypto + serial : Math.Max(serial + crypto / cores, sendPath + crypto / cores);
        double upper = cores == 1 ? 1.02e12 / perPacketPs : 1.001e12 / serial;
        Assert.InRange(rate, 0.9e12 / perPacketPs, upper);
    }

    [Fact]
    public void The_rate_keeps_rising_with_cores_and_levels_off_below_the_serial_stage()
    {
        double[] rates = [StreamRate(1), StreamRate(2), StreamRate(4), StreamRate(8), StreamRate(16)];
        for (int i = 1; i < rates.Length; i++) Assert.True(rates[i] > rates[i - 1], $"{string.Join(", ", rates)}");
        Assert.True(rates[4] / rates[3] < rates[1] / rates[0], "the gain from more cores shrinks as the serial stage dominates");
    }

    [Fact]
    public void A_full_peer_queue_drops_what_does_not_fit_as_QueueFull_and_conserves_packets()
    {
        const int Sent = 1500;
        var bed = new TestBed(SlowProfile(encryptNs: 100_000));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++) bed.SendAt(i * Ns(1000), c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        long dropped = bed.Pool.Dropped(DropReason.QueueFull);
        Assert.True(dropped > 0, "1,500 packets into a 1,024-entry queue served once per 100 us");
        Assert.Equal(Sent, sink.Arrivals.Count + dropped);
        Assert.InRange(sink.Arrivals.Count, WireGuardBundleQueueLimit, Sent - 1);
        Assert.Equal(0, ((WireGuardDevice)c.Tunnel1!).EncryptRingFull); // the peer's queue refused them first
        bed.AssertConservation();
    }

    [Fact]
    public void A_full_encrypt_ring_queues_packets_dead_and_the_transmit_worker_drops_them_in_order()
    {
        const int PerPeer = 800;
        var bed = new TestBed(SlowProfile(encryptNs: 100_000));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        var wg = (WireGuardDevice)c.Tunnel1!;
        // A second peer on the same device shares its encrypt ring but has its own queue (nobody listens on its port).
        wg.AddPeer(Ipv4Address.Parse("192.168.0.2"), [Ipv4Prefix.Parse("10.99.0.0/16")], endpointPort: 51821);
        c.N1.Host.AddRoute("10.99.0.0/16", wg);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < PerPeer; i++)
        {
            bed.SendAt(i * Ns(2000), c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, UdpPayload));
            bed.SendAt(i * Ns(2000) + Ns(1000), c.N1.Pods[0], bed.Udp("0.0.0.0", "10.99.0.1", 1000, 2000, UdpPayload));
        }
        bed.Run();
        Assert.True(wg.EncryptRingFull > 0, "1,600 bundles into a 1,024-entry ring served once per 100 us");
        Assert.Equal(wg.EncryptRingFull, bed.Pool.Dropped(DropReason.QueueFull)); // one packet per bundle, each dropped
        Assert.Equal(2 * PerPeer, sink.Arrivals.Count + bed.Pool.Dropped(DropReason.QueueFull) + bed.Pool.Dropped(DropReason.NoListener));
        bed.AssertConservation();
    }

    [Fact]
    public void WireGuard_drops_inner_sources_outside_the_peers_allowed_ips()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        c.N1.Pods[0].AddAddress(c.N1.Links[0].A, "10.244.9.9/24"); // node 2's peer entry for node 1 allows only 10.244.1.0/24
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("10.244.1.2", "10.244.2.2", 1, 2, 10));
        bed.SendAt(SimTime.PicosPerMillisecond, c.N1.Pods[0], bed.Udp("10.244.9.9", "10.244.2.2", 1, 2, 10));
        bed.Run();
        Assert.Equal(Ipv4Address.Parse("10.244.1.2"), Assert.Single(sink.Arrivals).Ip.Source);
        Assert.Equal(2, c.Wire.OuterIpLengths.Count); // both were encrypted and sent; node 2 refused the second
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NotForThisHost));
        bed.AssertConservation();
    }

    [Fact]
    public void WireGuard_without_a_peer_for_the_destination_answers_host_unreachable()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        c.N1.Host.AddRoute("10.99.0.0/16", c.Tunnel1!);
        Sink icmp = bed.Sink(c.N1.Pods[0], Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.99.0.1", 1, 2, 10));
        bed.Run();
        Assert.Equal(IcmpHeader.CodeHostUnreachable, Assert.Single(icmp.Arrivals).Icmp.Code);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoRoute));
        bed.AssertConservation();
    }

    private const int WireGuardBundleQueueLimit = 1024;

    private static NetSim.Engine.Elements.ElementStats Stage(NetSim.Engine.Elements.NodeContext node, string name) =>
        node.Elements.Single(e => e.Name == name).Stats;
    private const long EncryptSlow = 40_000, TxWorkerSlow = 8_000;

    private static CostProfile SlowProfile(long encryptNs, long txWorkerNs = WireGuardTxWorker) =>
        Profile.With("slow-crypto", new Dictionary<string, Cost>
        {
            ["wireguard.encrypt"] = new(Ns(encryptNs), WireGuardPerBytePs * 1000),
            ["wireguard.tx_worker"] = new(Ns(txWorkerNs), 0),
        });

    /// <summary>
    /// Packets per second one tunnel delivers when 600 UDP packets are offered one a microsecond (faster than any
    /// stage), on nodes with <paramref name="cores"/> cores, crypto at 40 us a packet and a transmit worker at 8 us: all
    /// of them over the time the last one takes to arrive.
    /// </summary>
    private static double StreamRate(int cores)
    {
        const int Sent = 600;
        var bed = new TestBed(SlowProfile(EncryptSlow, TxWorkerSlow));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: cores);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++) bed.SendAt(i * Ns(1000), c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        Assert.Equal(Sent, sink.Arrivals.Count);
        bed.AssertConservation();
        return Sent / (sink.Arrivals[^1].At / 1e12); // over the whole run: the busiest CPU's share of work sets it
    }
}
