namespace NetSim.Cli.Tests;

/// <summary>
/// The encrypted variants (WireGuard on Flannel, Calico in every mode, Cilium tunnel and native; IPsec for Cilium)
/// and Weave's fast datapath through the real netsim command: compare over overlay-overhead.yaml holds every
/// invariant, trace shows each one's own path, and an encryption a datapath does not offer is bad input.
/// </summary>
public sealed class CniZooCommandTests
{
    private static string OverlayOverhead => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "overlay-overhead.yaml");

    private static (int Code, string Stdout, string Stderr) Compare(string datapaths) =>
        BundledScenarioEndToEndTests.Netsim("compare", OverlayOverhead, "--datapaths", datapaths,
            "--set", "duration=30ms", "--set", "traffic[0].duration=12ms", "--set", "traffic[1].start=15ms");

    [Theory]
    [InlineData("host,flannel-wireguard,weave,calico-ipip+wireguard,calico-vxlan+wireguard")]
    [InlineData("host,cilium-vxlan+wireguard,cilium-geneve+ipsec,cilium-legacy+ipsec,cilium-ebpf+ipsec,cilium-ebpf+none")]
    public void Compare_on_overlay_overhead_holds_every_invariant(string datapaths)
    {
        var (code, stdout, stderr) = Compare(datapaths);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.DoesNotContain("invariant broken", stdout, StringComparison.Ordinal);
        foreach (string d in datapaths.Split(',').Skip(1))
            Assert.Contains($"{d} vs host:", stdout, StringComparison.Ordinal);
    }

    /// <summary>The elements a trace walks, in order (trace.csv's element and action columns).</summary>
    private static List<string> Hops(string datapath, params string[] extra)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-zoo-trace-").FullName;
        try
        {
            var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim(
                ["trace", OverlayOverhead, "--from", "pod:client", "--to", "pod:server", "--datapath", datapath, "--out", Path.Combine(dir, "t"), .. extra]);
            Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
            return File.ReadAllLines(Path.Combine(dir, "t", "trace.csv")).Skip(1).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Each step names a later hop than the one before (a packet's hops; two steps never match one hop).</summary>
    private static void AssertInOrder(List<string> hops, params string[] steps)
    {
        int at = -1;
        foreach (string step in steps)
        {
            int next = hops.FindIndex(at + 1, h => h.Contains(step, StringComparison.Ordinal));
            Assert.True(next > at, $"'{step}' not found after hop {at}:\n{string.Join('\n', hops)}");
            at = next;
        }
    }

    [Fact]
    public void Weave_bridges_into_the_ovs_datapath_and_its_vxlan_vport_without_routing()
    {
        var hops = Hops("weave");
        AssertInOrder(hops, "weave/br_handle_frame", "vethwe-bridge", "ovs_flow_tbl_lookup: in_port 5", "VxlanDevice encap",
            "decap → vxlan-6784", "→ output:vethwe-datapath", "weave/br_handle_frame", "tcp_v4_rcv");
        Assert.Contains(hops, h => h.Contains("→ output:vxlan-6784", StringComparison.Ordinal));
        Assert.DoesNotContain(hops, h => h.Contains("ip_forward", StringComparison.Ordinal));
    }

    [Fact]
    public void Weave_pods_on_one_node_are_bridged_without_the_datapath()
    {
        var hops = Hops("weave", "--set", "workloads[1].nodes=[node1]");
        AssertInOrder(hops, "weave/br_handle_frame", "tcp_v4_rcv");
        Assert.DoesNotContain(hops, h => h.Contains("ovs_dp_process_packet", StringComparison.Ordinal) || h.Contains("vxlan-6784", StringComparison.Ordinal));
    }

    [Fact]
    public void Cilium_tunnel_ipsec_encapsulates_then_encrypts_and_decrypts_then_decapsulates()
    {
        AssertInOrder(Hops("cilium-vxlan+ipsec"), "cilium_vxlan", "bpf_redirect → cilium_xfrm", "esp_output", "ndo_start_xmit",
            "esp_input (rfc4106(gcm(aes)))", "cilium_vxlan", "tcp_v4_rcv");
    }

    [Fact]
    public void Cilium_tunnel_wireguard_encapsulates_then_encrypts()
    {
        AssertInOrder(Hops("cilium-vxlan+wireguard"), "cilium_vxlan", "bpf_redirect → cilium_wg0", "wg_xmit", "encrypt_packet",
            "wg_receive", "decrypt_packet", "cilium_vxlan", "tcp_v4_rcv");
    }

    [Fact]
    public void Calico_ipip_with_wireguard_takes_wireguard_cali_instead_of_tunl0()
    {
        var hops = Hops("calico-ipip+wireguard");
        AssertInOrder(hops, "ip_output → wireguard.cali", "wg_xmit", "wg_receive", "tcp_v4_rcv");
        Assert.DoesNotContain(hops, h => h.Contains("tunl0", StringComparison.Ordinal));
    }

    [Fact]
    public void Flannel_wireguard_routes_the_flannel_network_through_flannel_wg()
    {
        AssertInOrder(Hops("flannel-wireguard"), "cni0/br_handle_frame", "ip_output → flannel-wg", "wg_xmit → peer", "wg_receive", "ip_output → cni0", "tcp_v4_rcv");
    }

    [Fact]
    public void Native_cilium_ipsec_leaves_through_the_xfrm_device()
    {
        var hops = Hops("cilium-legacy+ipsec");
        AssertInOrder(hops, "ip_output → cilium_xfrm", "esp_output", "esp_input", "tcp_v4_rcv");
        Assert.DoesNotContain(hops, h => h.Contains("cilium_vxlan", StringComparison.Ordinal));
    }

    [Fact]
    public void A_weave_mtu_the_underlay_cannot_carry_for_fast_datapath_falls_back_to_sleeve()
    {
        var run = BundledScenarioEndToEndTests.Netsim("run", OverlayOverhead, "--set", "cni.datapath=weave", "--set", "cni.mtu=1460", "--set", "duration=30ms",
            "--set", "traffic[0].duration=12ms", "--set", "traffic[1].start=15ms");
        Assert.Equal(0, run.Code);
        Assert.Contains("weave falls back to sleeve: fast datapath's heartbeat needs 1510 bytes", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("pod MTU 1438", run.Stdout, StringComparison.Ordinal);
        var hops = Hops("weave", "--set", "cni.mtu=1460");
        AssertInOrder(hops, "weave/br_handle_frame", "flow miss: ovs_dp_upcall → weaver", "sleeve: 1 frame(s)", "udp_queue_rcv_skb → weaver", "inject → vethwe-datapath", "tcp_v4_rcv");
    }

    [Fact]
    public void Weave_sleeve_and_its_encrypted_variants_walk_through_the_weaver()
    {
        AssertInOrder(Hops("weave-sleeve"), "tpacket_rcv → weaver (pcap)", "sleeve: 1 frame(s)", "udp_queue_rcv_skb → weaver", "inject → vethwe-pcap", "tcp_v4_rcv");
        AssertInOrder(Hops("weave-sleeve+nacl"), "sleeve: 1 frame(s), 111 B sealed", "opened", "tcp_v4_rcv");
        AssertInOrder(Hops("weave+ipsec"), "VxlanDevice encap", "esp_output (transport", "esp_input (transport)", "decap → vxlan-6784", "tcp_v4_rcv");
    }

    [Fact]
    public void An_encryption_the_datapath_does_not_offer_is_bad_input()
    {
        var run = BundledScenarioEndToEndTests.Netsim("run", OverlayOverhead, "--set", "cni.datapath=calico-bgp", "--set", "cni.encryption=ipsec");
        Assert.Equal(2, run.Code);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("cni.encryption", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("ipsec encryption is offered by", run.Stderr, StringComparison.Ordinal);

        var compare = Compare("host,calico-bgp+ipsec");
        Assert.Equal(2, compare.Code);
        Assert.Contains("calico-bgp+ipsec", compare.Stderr, StringComparison.Ordinal);
    }
}
