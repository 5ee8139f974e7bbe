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
    public void A_GSO_packet_is_cut_into_MTU_sized_packets_each_copied_and_encrypted_and_GRO_merges_what_one_poll_finds_decrypted()
    {
        const int Mss = 1400, Segments = 10;
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: 4);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolTcp);
        Packet gso = bed.Tcp("10.244.1.2", "10.244.2.2", 40000, 5201, TcpFlags.Ack, payload: Segments * Mss, seq: 1, ack: 1);
        gso.GsoSize = Mss;
        bed.SendAt(0, c.N1.Pods[0], gso);
        bed.Run();
        const int InnerSegment = 20 + 20 + Mss;
        Assert.Equal(Enumerable.Repeat(InnerSegment + 60, Segments), c.Wire.OuterIpLengths);
        Assert.Equal(Enumerable.Range(0, Segments).Select(i => (ulong)i), c.Wire.WireGuardCounters);
        var wg = (WireGuardDevice)c.Tunnel1!;
        // wg_xmit: per segment gso.segment + wireguard.xmit with its per-byte copy; the encrypt worker per packet.
        Assert.Equal(Segments * (Ns(GsoSegment + WireGuardXmit) + WireGuardXmitPerBytePs * InnerSegment), wg.Stats.CpuPs);
        Assert.Equal(Segments * (Ns(WireGuardEncrypt) + WireGuardPerBytePs * InnerSegment), Stage(c.N1.Node, "wg0/wg_packet_encrypt_worker").CpuPs);
        // The peer's NAPI checks each packet, and GRO merges the ones a poll finds decrypted in a row (gro.merge is
        // charged on the same element): fewer, larger packets go up, in sequence, with every byte.
        long merged = Stage(c.N2.Node, "wg0/wg_packet_rx_poll").Packets - Segments;
        Assert.InRange(merged, 1, Segments - 1);
        Assert.Equal(Segments - merged, sink.Arrivals.Count);
        Assert.Equal(Segments * Mss, sink.Arrivals.Sum(a => a.Ipv4Length - 40));
        bed.AssertConservation();
    }

    // Work per packet on the sending node when node 1's host sends 128-byte UDP packets (the profile's own costs):
    // the sender (ip_local_out, ip_output → wg0, wg_xmit), one encryption, and the serial stage (the transmit
    // worker with the outer ip_local_out, ip_output and neighbour output). Decryption and the receiving stack on
    // node 2 cost far less than the serial stage, so node 1 sets the rate.
    private const long EncryptSlow = 40_000, TxWorkerSlow = 8_000;
    private const int HostInner = 20 + 8 + UdpPayload;
    private static readonly double SendPs = Ns(RouteLookup + IpOutput + WireGuardXmit) + WireGuardXmitPerBytePs * HostInner;
    private static readonly double CryptoPs = Ns(EncryptSlow) + WireGuardPerBytePs * HostInner;
    private static readonly double SerialPs = Ns(TxWorkerSlow + RouteLookup + IpOutput + NeighOutput);
    private static readonly double AllPs = SendPs + CryptoPs + SerialPs;

    /// <summary>The most packets per second <paramref name="cores"/> cores can carry: all their time, and the serial stage's CPU.</summary>
    private static double Bound(int cores) => Math.Min(cores * 1e12 / AllPs, 1e12 / SerialPs);

    [Fact]
    public void On_one_core_the_rate_is_one_over_all_the_work_of_a_packet()
    {
        var (rate, _) = HostStream(cores: 1, gapNs: 5_000);
        Assert.InRange(rate, 0.98e12 / AllPs, 1.02e12 / AllPs);
    }

    [Fact]
    public void Two_cores_share_the_crypto_and_carry_their_total_capacity()
    {
        var (rate, _) = HostStream(cores: 2, gapNs: 5_000);
        Assert.InRange(rate, 0.97 * 2e12 / AllPs, 1.02 * 2e12 / AllPs); // the serial stage needs a third of a core
    }

    [Fact]
    public void With_many_cores_one_tunnel_levels_off_at_its_serial_transmit_worker()
    {
        var (rate, bed) = HostStream(cores: 16, gapNs: 5_000);
        Assert.InRange(rate, 0.85e12 / SerialPs, 1.001e12 / SerialPs);
        // The peer's id is 1, so its transmit worker runs on CPU 1 (id modulo the CPUs): that CPU is the busiest.
        var cores = bed.Nodes[0].Cpu.Cores;
        Assert.Equal(cores.Max(c => c.BusyPs), cores[1].BusyPs);
        Assert.True(cores.Where(c => c.Index != 1).All(c => c.BusyPs < cores[1].BusyPs / 2), "crypto is spread over the other CPUs");
    }

    [Fact]
    public void The_rate_rises_with_cores_within_the_closed_form_bound_and_the_gains_shrink()
    {
        int[] counts = [1, 2, 4, 8, 16];
        double[] rates = counts.Select(n => HostStream(n, gapNs: 5_000).Rate).ToArray();
        for (int i = 0; i < counts.Length; i++)
        {
            Assert.True(rates[i] <= 1.02 * Bound(counts[i]), $"{counts[i]} cores: {rates[i]:0} > {Bound(counts[i]):0} packets/s");
            if (i > 0) Assert.True(rates[i] > rates[i - 1], string.Join(", ", rates.Select(r => r.ToString("0"))));
        }
        Assert.True(rates[4] / rates[3] < rates[1] / rates[0], "the gain from more cores shrinks as the serial stage dominates");
    }

    [Fact]
    public void The_transmit_worker_sends_in_nonce_order_although_workers_finish_out_of_order()
    {
        const int Sent = 60;
        // 50 ns a byte: a 1,400-byte packet takes 70 us to encrypt, a 10-byte one under 2 us.
        var bed = new TestBed(Profile.With("big-slow", new Dictionary<string, Cost> { ["wireguard.encrypt"] = new(Ns(500), 50_000_000) }));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: 4);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        var crypted = new List<(ushort Port, long At)>();
        bed.Pool.TraceNewPackets = true;
        bed.Pool.TraceFinished = p =>
        {
            foreach (HopRecord h in p.Trace!.Hops)
                if (h.Element == "wg0/wg_packet_encrypt_worker") crypted.Add(((ushort)(p.Has(HeaderKind.Udp) ? p.Udp.SourcePort : 0), h.At));
        };
        for (int i = 0; i < Sent; i++)
            bed.SendAt(i * Ns(5_000), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", (ushort)(1000 + i), 2000, i % 2 == 0 ? 1400 : 10));
        bed.Run();
        var byPort = crypted.OrderBy(x => x.Port).ToList();
        Assert.Contains(byPort.Zip(byPort.Skip(1)), pair => pair.Second.At < pair.First.At); // a later packet was encrypted first
        Assert.Equal(Enumerable.Range(0, Sent).Select(i => (ulong)i), c.Wire.WireGuardCounters); // sent in nonce order
        Assert.Equal(Enumerable.Range(1000, Sent).Select(i => (ushort)i), sink.Arrivals.Select(a => a.SourcePort)); // and received in it
        bed.AssertConservation();
    }

    [Fact]
    public void Kworkers_on_one_CPU_take_turns_so_a_busy_crypt_worker_does_not_starve_the_transmit_worker()
    {
        const int Sent = 100;
        var bed = new TestBed(SlowProfile(EncryptSlow, TxWorkerSlow));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: 1);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++) bed.SendAt(i * Ns(100), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        // All 100 are in the encrypt ring after 10 us; encrypting them all takes 4 ms. CFS gives the transmit worker
        // its share of the CPU meanwhile, so the first packet leaves after its own encryption and a few turns.
        Assert.Equal(Sent, sink.Arrivals.Count);
        Assert.InRange(sink.Arrivals[0].At, Ns(EncryptSlow), 3 * Ns(EncryptSlow + TxWorkerSlow));
        bed.AssertConservation();
    }

    [Fact]
    public void A_full_peer_queue_drops_what_does_not_fit_as_QueueFull_and_conserves_packets()
    {
        const int Sent = 1500;
        var bed = new TestBed(SlowProfile(encryptNs: 100_000));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++) bed.SendAt(i * Ns(1000), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        long dropped = bed.Pool.Dropped(DropReason.QueueFull);
        Assert.True(dropped > 0, "1,500 packets in 1.5 ms into a 1,024-entry queue served once per 100 us");
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
            bed.SendAt(i * Ns(2000), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", 1000, 2000, UdpPayload));
            bed.SendAt(i * Ns(2000) + Ns(1000), c.N1.Host, bed.Udp("10.244.1.0", "10.99.0.1", 1000, 2000, UdpPayload));
        }
        bed.Run();
        Assert.True(wg.EncryptRingFull > 0, "1,600 bundles into a 1,024-entry ring served once per 100 us");
        Assert.Equal(wg.EncryptRingFull, bed.Pool.Dropped(DropReason.QueueFull)); // one packet per bundle, each dropped
        Assert.Equal(2 * PerPeer, sink.Arrivals.Count + bed.Pool.Dropped(DropReason.QueueFull) + bed.Pool.Dropped(DropReason.NoListener));
        bed.AssertConservation();
    }

    [Fact]
    public void A_full_receive_queue_drops_at_wg_receive_and_the_rest_arrive_in_order()
    {
        const int Sent = 1500;
        var bed = new TestBed(Profile.With("slow-decrypt", new Dictionary<string, Cost> { ["wireguard.decrypt"] = new(Ns(100_000), 0) }));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: 4);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++)
            bed.SendAt(i * Ns(2000), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", (ushort)(10000 + i), 2000, UdpPayload));
        bed.Run();
        long dropped = bed.Pool.Dropped(DropReason.QueueFull);
        Assert.True(dropped > 0, "1,500 packets in 3 ms into a 1,024-entry receive queue decrypted at 40,000 a second");
        Assert.Equal(Sent, sink.Arrivals.Count + dropped);
        var ports = sink.Arrivals.Select(a => (int)a.SourcePort).ToList();
        Assert.Equal(ports.Order(), ports); // the peer's NAPI hands them up in arrival order
        Assert.Equal(0, ((WireGuardDevice)c.Tunnel2!).DecryptRingFull); // the peer's queue refused them first
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

    private static CostProfile SlowProfile(long encryptNs, long txWorkerNs = TestCosts.WireGuardTxWorker) =>
        Profile.With("slow-crypto", new Dictionary<string, Cost>
        {
            ["wireguard.encrypt"] = new(Ns(encryptNs), WireGuardPerBytePs * 1000),
            ["wireguard.tx_worker"] = new(Ns(txWorkerNs), 0),
        });

    /// <summary>
    /// Packets per second one tunnel carries in steady state when node 1's host offers 600 UDP packets, one every
    /// <paramref name="gapNs"/> (faster than the tunnel), with crypto at 40 us a packet and a transmit worker at 8 us,
    /// on nodes of <paramref name="cores"/> cores: the middle half of the arrivals over the time they took.
    /// </summary>
    private static (double Rate, TestBed Bed) HostStream(int cores, long gapNs)
    {
        const int Sent = 600;
        var bed = new TestBed(SlowProfile(EncryptSlow, TxWorkerSlow));
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: cores);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        for (int i = 0; i < Sent; i++) bed.SendAt(i * Ns(gapNs), c.N1.Host, bed.Udp("10.244.1.0", "10.244.2.2", 1000, 2000, UdpPayload));
        bed.Run();
        Assert.Equal(Sent, sink.Arrivals.Count);
        bed.AssertConservation();
        var a = sink.Arrivals;
        return ((Sent / 2) / ((a[3 * Sent / 4].At - a[Sent / 4].At) / 1e12), bed);
    }
}
