using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// Weave Net's sleeve: frames cross into the weaver process and back on each node (the costs of that crossing in
/// closed form), fast datapath falls back to sleeve when its heartbeat does not fit, encryption is ESP on fast
/// datapath and NaCl in sleeve, and the router batches frames that wait behind one another.
/// </summary>
public class WeaveSleeveTests
{
    private const string TwoPods = """
        name: weave-probe
        seed: 1
        duration: 10ms
        cluster: { nodes: { count: 2, cores: 4 }, nic: { rate: 25Gbps, mtu: 1500 } }
        cni: { datapath: weave-sleeve }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server, duration: 8ms }
        """;

    private static Scenario Parse(params string[] sets) => ScenarioLoader.Parse(TwoPods, "weave.yaml", sets);

    /// <summary>The probe alone (the stream starts after it), with exact costs: no wakeup latency drawn.</summary>
    private static TraceResult Trace(params string[] sets)
    {
        var s = ScenarioLoader.Parse(TwoPods.Replace("duration: 8ms }", "duration: 8ms, start: 9ms }", StringComparison.Ordinal), "weave.yaml", sets);
        Assert.True(EndpointRef.TryParse("pod:client", out var from, out _));
        Assert.True(EndpointRef.TryParse("pod:server", out var to, out _));
        return new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(from, to, 0, "icmp") { ExactCosts = true, SteadyState = true });
    }

    /// <summary>The echo request's hops (its first packet with the payload).</summary>
    private static IReadOnlyList<HopRecord> Request(TraceResult t) => t.Packets.First(p => p.What.StartsWith("IP proto 1 ", StringComparison.Ordinal)).Hops;

    private static HopRecord Hop(TraceResult t, string node, string element) =>
        Request(t).Single(h => h.Node == node && h.Element == element);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_crossing_into_the_weaver_costs_its_switch_system_calls_copies_and_the_routers_work(bool nacl)
    {
        var t = Trace(nacl ? ["cni.encryption=true"] : []);
        var costs = ClusterSimulationTests.Profile();
        long C(CostKey k, int bytes) => costs[k].For(bytes);
        int frame = 14 + 84; // the echo request as the bridge forwards it
        int datagram = WeaveSleeveHeader.NameSize + (nacl ? WeaveSleeveHeader.NaClOverhead : 0) + WeaveSleeveHeader.FrameOverhead + frame;
        long crypto = nacl ? C(CostKeys.NaclSecretbox, datagram) : 0;
        // Sender: woken by the capture, the router's frame work, then one sendto of the datagram through udp_sendmsg.
        long send = C(CostKeys.SchedContextSwitch, 0) + C(CostKeys.WeaveRouterFrame, frame) + crypto
                    + C(CostKeys.SocketSyscall, 0) + C(CostKeys.SocketCopy, datagram) + C(CostKeys.UdpTransmit, datagram + 28);
        // Receiver: woken by the datagram, recvfrom, open, the frame's work, and one injecting send on the pcap socket.
        long receive = C(CostKeys.SchedContextSwitch, 0) + C(CostKeys.SocketSyscall, 0) + C(CostKeys.SocketCopy, datagram) + crypto
                       + C(CostKeys.WeaveRouterFrame, frame) + C(CostKeys.SocketSyscall, 0) + C(CostKeys.SocketCopy, frame);
        Assert.Equal(send, Hop(t, "node1", "weaver/sleeve-tx").CpuPs);
        Assert.Equal(receive, Hop(t, "node2", "weaver/sleeve-rx").CpuPs);
        // The capture's copy, with the receive of vethwe-pcap it runs in (the device's rx_handler).
        Assert.Equal(C(CostKeys.NetifReceive, frame) + C(CostKeys.AfPacketRcv, frame), Hop(t, "node1", "host/vethwe-pcap/tpacket_rcv").CpuPs);
    }

    [Fact]
    public void Sleeve_costs_the_round_trip_at_least_its_four_crossings_more_than_fast_datapath()
    {
        var costs = ClusterSimulationTests.Profile();
        long fast = Trace("cni.datapath=weave").RoundTripPs, sleeve = Trace().RoundTripPs;
        // Each direction: into the process and out again on both nodes, each crossing a switch and a system call at least.
        long floor = 4 * (costs[CostKeys.SchedContextSwitch].For(0) + costs[CostKeys.SocketSyscall].For(0));
        Assert.True(sleeve - fast >= floor, $"sleeve {sleeve / 1e6:0.00} us vs fast datapath {fast / 1e6:0.00} us");
        Assert.True(sleeve - fast < 3 * floor, "no more than the crossings and the router's own work");
    }

    [Fact]
    public void Fast_datapath_falls_back_to_sleeve_when_its_heartbeat_does_not_fit_the_underlay()
    {
        Assert.True(WeaveOverlay.FastDatapath(Parse("cni.datapath=weave").Cni, 1500));
        // The heartbeat is WEAVE_MTU + 14 in VXLAN (+ 36): 1450 fits a 1500-byte NIC, 1452 does not.
        Assert.True(WeaveOverlay.FastDatapath(Parse("cni.datapath=weave", "cni.mtu=1450").Cni, 1500));
        Assert.False(WeaveOverlay.FastDatapath(Parse("cni.datapath=weave", "cni.mtu=1452").Cni, 1500));
        // ESP's 34 bytes: the largest WEAVE_MTU with encryption on a 1500-byte NIC is 1416 (Weave 1.9's release notes).
        Assert.True(WeaveOverlay.FastDatapath(Parse("cni.datapath=weave", "cni.encryption=ipsec", "cni.mtu=1416").Cni, 1500));
        Assert.False(WeaveOverlay.FastDatapath(Parse("cni.datapath=weave", "cni.encryption=ipsec", "cni.mtu=1420").Cni, 1500));
        Assert.Contains("sleeve with NaCl", WeaveOverlay.Fallback(Parse("cni.datapath=weave", "cni.encryption=ipsec", "cni.mtu=1420").Cni, 1500));

        var t = Trace("cni.datapath=weave", "cni.mtu=1460");
        Assert.Contains(Request(t), h => h.Element == "host/datapath/ovs_dp_upcall");
        Assert.Contains(Request(t), h => h.Element == "weaver/sleeve-tx");
        Assert.DoesNotContain(Request(t), h => h.Element == "vxlan-6784");
        var cluster = ClusterBuilder.Build(Parse("cni.datapath=weave", "cni.mtu=1460"), ClusterSimulationTests.Profile());
        var weave = Assert.IsType<WeaveNetwork>(cluster.Network);
        Assert.False(weave.UsesFastDatapath);
        Assert.Equal(1438, weave.PodMtu(cluster.Nodes[0])); // min(WEAVE_MTU 1460, the sleeve path's 1438)
        Assert.True(Assert.IsType<WeaveNetwork>(ClusterBuilder.Build(Parse("cni.datapath=weave"), ClusterSimulationTests.Profile()).Network).UsesFastDatapath);
    }

    [Fact]
    public void Encrypted_fast_datapath_is_esp_in_transport_mode_around_the_vxlan_packet()
    {
        var plain = Trace("cni.datapath=weave");
        var esp = Trace("cni.datapath=weave", "cni.encryption=ipsec");
        Assert.Contains(Request(esp), h => h.Node == "node1" && h.Element == "host/xfrm_output(esp transport)");
        Assert.Contains(Request(esp), h => h.Node == "node2" && h.Element == "host/xfrm4_rcv(esp transport)");
        Assert.Contains(Request(esp), h => h.Element == "vxlan-6784");
        var costs = ClusterSimulationTests.Profile();
        int vxlanPacket = 20 + 8 + 8 + 14 + 84; // what esp_output encrypts
        Assert.Equal(costs[CostKeys.EspEncrypt].For(vxlanPacket), Request(esp).Single(h => h.Element == "host/xfrm_output(esp transport)").CpuPs);
        // Transport mode: 16 bytes before (SPI, sequence, IV), pad + 2 + 16-byte ICV after, no second IP header.
        static TracedPacket Echo(TraceResult t) => t.Packets.First(p => p.What.StartsWith("IP proto 1 ", StringComparison.Ordinal));
        Assert.Equal(148, Echo(plain).NicFrameBytes);
        Assert.Equal(148 + 16 + 18, Echo(esp).NicFrameBytes); // 114 bytes after the outer IP: no padding, pad length, next header, ICV
        Assert.True(esp.RoundTripPs > plain.RoundTripPs);
    }

    [Fact]
    public void Nacl_is_offered_only_in_sleeve_and_ipsec_only_on_fast_datapath()
    {
        Assert.True(DatapathVariant.IsKnown("weave+ipsec"));
        Assert.True(DatapathVariant.IsKnown("weave-sleeve+nacl"));
        Assert.False(DatapathVariant.IsKnown("weave-sleeve+ipsec"));
        Assert.False(DatapathVariant.IsKnown("weave+wireguard"));
        Assert.Equal(NodeEncryptionKinds.Ipsec, Parse("cni.datapath=weave", "cni.encryption=true").Cni.EncryptionType);
        Assert.Equal(NodeEncryptionKinds.Nacl, Parse("cni.encryption=true").Cni.EncryptionType);
        var bad = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => Parse("cni.encryption=ipsec"));
        Assert.Contains("cni.encryption", bad.Message);
    }

    [Fact]
    public void The_router_batches_the_frames_waiting_behind_the_first_into_one_datagram()
    {
        var r = new ClusterSimulation().Run(Parse(), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, $"{r.Conservation}; {r.Invariants}");
        long Packets(string node, string element) => r.Elements.Where(e => e.Node == node && e.Element.EndsWith(element, StringComparison.Ordinal)).Sum(e => e.Packets);
        // node2 sends the stream's ACKs: captured frame by frame, sent in fewer datagrams, each frame injected on node1.
        long captured = Packets("node2", "vethwe-pcap/tpacket_rcv"), datagrams = Packets("node2", "weaver/sleeve-tx"), injected = Packets("node1", "weaver/sleeve-rx");
        Assert.True(datagrams > 0 && datagrams < captured, $"{captured} ACK frames in {datagrams} datagrams");
        Assert.True(injected >= captured - 64 && injected <= captured, $"{injected} of {captured} frames injected");
        // The stream's full-size frames cannot share a datagram (6 + 14 + 1452 = 1472 bytes, the most a 1500-byte
        // underlay carries after IP and UDP): node2's reader, the slower side, reads one frame per datagram, and what
        // its socket could not hold was dropped there.
        long read = Packets("node2", "udp:6783"), frames = Packets("node2", "weaver/sleeve-rx");
        Assert.True(read <= Packets("node1", "weaver/sleeve-tx"));
        Assert.True(frames <= read && read - frames <= r.Drops.Where(d => d.Reason == DropReason.ReceiveBufferFull).Sum(d => d.Packets) + WeaveSleeveRouter.SocketBufferBytes / 1472,
            $"{read} datagrams, {frames} frames");
    }
}
