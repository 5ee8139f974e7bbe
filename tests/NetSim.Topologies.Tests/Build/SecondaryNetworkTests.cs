using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// A pod's second, fast network: nodes with a second NIC on a switch of its own; host-device moving that NIC into a pod
/// (the host loses it); SR-IOV VFs handed out by the device plugin (a pool that runs dry), switched VF to VF inside the
/// NIC, rate-limited by max_tx_rate; Multus giving eth0 from the cluster CNI and net1 from a NetworkAttachmentDefinition.
/// </summary>
public class SecondaryNetworkTests
{
    private const string SriovNad = """{"cniVersion":"1.0.0","name":"sriov-net","type":"sriov","spoofchk":"on","ipam":{"type":"whereabouts","range":"10.200.1.0/24"}}""";

    private static Scenario Load(string nics, string attachments, string workloads, string traffic, string datapath = "flannel-vxlan") =>
        ScenarioLoader.Parse($$"""
            name: second-nic
            seed: 3
            duration: 20ms
            warmup: 1ms
            cluster:
              nodes: { count: 2, cores: 4 }
              nic: { rate: 25Gbps, mtu: 1500 }
              nics:
            {{nics}}
            cni: { datapath: {{datapath}} }
            network_attachments:
            {{attachments}}
            workloads:
            {{workloads}}
            traffic:
            {{traffic}}
            """, "second-nic.yaml");

    private const string SriovNic = "    - { name: eth1, rate: 100Gbps, mtu: 9000, network: fast, cidr: 10.200.0.0/16, sriov_numvfs: 2, resource: intel.com/sriov }";

    private static string Sriov(string extra = "") =>
        $"  - {{ name: sriov-net, resource: intel.com/sriov, config: '{SriovNad.Replace("\"spoofchk\":\"on\"", "\"spoofchk\":\"on\"" + extra, StringComparison.Ordinal)}' }}";

    private static BuiltPod Pod(BuiltCluster c, string name) => c.Pods.Single(p => p.Name == name);

    [Fact]
    public void Every_node_gets_the_second_nic_on_its_own_switch_with_an_address_on_that_network()
    {
        var s = Load("    - { name: eth1, rate: 100Gbps, network: fast, cidr: 10.200.0.0/16 }", "  []", "  - { name: a }", "  - { name: rr, kind: rr, from: node:node1, to: node:node2 }");
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        foreach (var n in c.Nodes)
        {
            var eth1 = Assert.IsType<PhysicalDevice>(PodInterface.Find(n.Host, "eth1"));
            Assert.Equal(Ipv4Address.Parse($"10.200.0.{10 + n.Index}"), eth1.Addresses.Single().Address);
            Assert.Equal(100_000_000_000, n.SecondaryNics.Single().Nic.Port!.Outbound.RateBitsPerSecond);
        }
        Assert.Contains(c.Context.Fabric.Switches, sw => sw.Name == "fast");
        Assert.True(c.Nodes[0].Host.Neighbours.TryResolve(PodInterface.Find(c.Nodes[0].Host, "eth1")!, Ipv4Address.Parse("10.200.0.11"), out _));
    }

    [Fact]
    public void Host_device_moves_the_nic_into_the_pod_and_back_and_a_second_pod_finds_it_gone()
    {
        var s = Load("    - { name: eth1, rate: 100Gbps, network: fast, cidr: 10.200.0.0/16 }",
            """  - { name: fast, config: '{"cniVersion":"1.0.0","name":"fast","type":"host-device","device":"eth1","ipam":{"type":"whereabouts","range":"10.200.1.0/24"}}' }""",
            """
              - { name: a, placement: pinned, nodes: [node1], networks: fast }
              - { name: b, placement: pinned, nodes: [node1], networks: fast }
            """, "  - { name: rr, kind: rr, from: pod:a, to: pod:a }");
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var node = c.Nodes[0];
        var a = Pod(c, "a-0");
        var net1 = Assert.IsType<PhysicalDevice>(PodInterface.Find(a.Namespace, "net1"));
        Assert.Same(node.SecondaryNics[0].Device, net1);
        Assert.Equal("eth1", net1.Alias);
        Assert.Null(PodInterface.Find(node.Host, "eth1"));
        var failure = Assert.Single(c.SandboxFailures);
        Assert.Equal("b-0", failure.Pod.Name);
        Assert.Contains("failed to find host device: Link not found", failure.Message, StringComparison.Ordinal);

        node.Runtime!.StopPodSandbox(a.Placed);
        Assert.Same(net1, PodInterface.Find(node.Host, "eth1"));
        Assert.Null(PodInterface.Find(a.Namespace, "net1"));
    }

    [Theory]
    [InlineData("\"pciBusID\":\"0000:5e:00.0\"")]
    [InlineData("\"kernelpath\":\"/sys/devices/pci0000:5e/0000:5e:00.0\"")]
    public void Host_device_finds_the_nic_by_its_pci_address_or_kernel_path(string key)
    {
        var s = Load("    - { name: eth1, network: fast, cidr: 10.200.0.0/16 }",
            $$"""  - { name: fast, config: '{"cniVersion":"1.0.0","name":"fast","type":"host-device",{{key}}}' }""",
            "  - { name: a, placement: pinned, nodes: [node2], networks: fast }", "  - { name: rr, kind: rr, from: pod:a, to: pod:a }");
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Same(c.Nodes[1].SecondaryNics[0].Device, PodInterface.Find(Pod(c, "a-0").Namespace, "net1"));
    }

    [Fact]
    public void Multus_gives_eth0_from_the_cluster_cni_and_net1_from_the_attachment_with_their_routes_and_status()
    {
        var s = Load(SriovNic, Sriov(), "  - { name: a, placement: pinned, nodes: [node1], networks: sriov-net }",
            "  - { name: rr, kind: rr, from: pod:a, to: pod:a }");
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var a = Pod(c, "a-0");
        Assert.True(c.Context.Scenario.Cluster.PodCidr.Contains(a.Address)); // eth0: flannel's
        var net1 = PodInterface.Find(a.Namespace, "net1")!;
        Assert.Equal(Ipv4Address.Parse("10.200.1.1"), net1.Addresses.Single().Address);
        Assert.Equal(net1, a.Namespace.LookupRoute(Ipv4Address.Parse("10.200.1.77"))!.Device);
        Assert.Equal("eth0", a.Namespace.LookupRoute(Ipv4Address.Parse("8.8.8.8"))!.Device!.Name);
        Assert.Equal(["eth0", "net1"], a.NetworkStatus.Select(n => n.Interface));
        Assert.True(a.NetworkStatus[0].Default);
        Assert.Equal("default/sriov-net", a.NetworkStatus[1].Name);
        Assert.Equal(c.Nodes[0].SecondaryNics[0].Vfs[0].PciAddress, a.NetworkStatus[1].PciAddress);
        Assert.Equal(Ipv4Address.Parse("10.200.1.1"), a.AddressOn("net1"));
        Assert.Contains("\"pci-address\":\"0000:5e:02.0\"", NetworkStatus.Annotation(a.NetworkStatus), StringComparison.Ordinal);
    }

    [Fact]
    public void The_vf_pool_runs_dry_and_the_next_pod_fails_with_kubelets_error_and_try_again_later()
    {
        var s = Load(SriovNic, Sriov(), "  - { name: a, replicas: 3, placement: pinned, nodes: [node1], networks: sriov-net }",
            "  - { name: rr, kind: rr, from: pod:a-0, to: pod:a-1@net1 }");
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Equal(2, c.Pods.Count(p => p.Placed.Workload == "a"));
        var failure = Assert.Single(c.SandboxFailures);
        Assert.Equal(CniException.TryAgainLater, failure.Code);
        Assert.Contains("requested number of devices unavailable for intel.com/sriov. Requested: 1, Available: 0", failure.Message, StringComparison.Ordinal);
        // The failed pod's eth0 was undone too: its netns holds nothing, the VFs stay with the two pods.
        Assert.Equal(0, c.Nodes[0].Runtime!.Node.Devices!.Available("intel.com/sriov"));
        c.Nodes[0].Runtime!.StopPodSandbox(Pod(c, "a-0").Placed);
        Assert.Equal(1, c.Nodes[0].Runtime!.Node.Devices!.Available("intel.com/sriov"));
        Assert.NotNull(PodInterface.Find(c.Nodes[0].Host, "eth1v0")); // the VF's netdev is back in the host
    }

    [Fact]
    public void Vf_to_vf_on_one_nic_is_switched_inside_the_nic_and_never_touches_the_host_stack()
    {
        var s = Load(SriovNic, Sriov(), """
              - { name: a, placement: pinned, nodes: [node1], networks: sriov-net }
              - { name: b, placement: pinned, nodes: [node1], networks: sriov-net }
            """, "  - { name: rr, kind: rr, from: pod:a, to: pod:b@net1 }");
        long looped = 0, onWire = -1, hostPackets = -1;
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default with
        {
            AfterRun = c =>
            {
                looped = c.Nodes[0].SecondaryNics[0].Eswitch!.Looped;
                onWire = c.Context.Fabric.Switches.Single(sw => sw.Name == "fast").Forwarded;
                hostPackets = c.Nodes[0].Context.Elements.OfType<DatapathElement>().Where(e => e.Namespace == c.Nodes[0].Host).Sum(e => e.Stats.Packets);
            },
        });
        long transactions = r.Groups[0].Application.Transactions;
        Assert.True(transactions > 100, $"{transactions} transactions");
        Assert.True(looped >= 2 * transactions, $"{looped} frames looped for {transactions} transactions");
        Assert.Equal(0, onWire);
        Assert.Equal(0, hostPackets);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
    }

    [Fact]
    public void A_vf_max_tx_rate_caps_a_stream_at_the_limit()
    {
        var s = Load(SriovNic, Sriov(",\"max_tx_rate\":2000"), """
              - { name: a, placement: pinned, nodes: [node1], networks: sriov-net }
              - { name: b, placement: pinned, nodes: [node2], networks: sriov-net }
            """, "  - { name: bulk, kind: bulk, from: pod:a, to: pod:b@net1 }");
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        double gbps = r.Groups[0].Application.GoodputBitsPerSecond / 1e9;
        // 2 Gbit/s of frames at MTU 9000: at most (9000 - 52) / (9000 + 38) of it is TCP payload.
        Assert.InRange(gbps, 1.5, 2.0 * (9000 - 52) / (9000 + 38.0));
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        var unlimited = new ClusterSimulation().Run(Load(SriovNic, Sriov(), """
              - { name: a, placement: pinned, nodes: [node1], networks: sriov-net }
              - { name: b, placement: pinned, nodes: [node2], networks: sriov-net }
            """, "  - { name: bulk, kind: bulk, from: pod:a, to: pod:b@net1 }"), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(unlimited.Groups[0].Application.GoodputBitsPerSecond / 1e9 > 3 * gbps);
    }

    [Theory]
    [InlineData("    - { name: eth1, sriov_numvfs: 65 }", "cluster.nics[0].sriov_numvfs", "65 VFs but the NIC supports 64")]
    [InlineData("    - { name: eth0 }", "cluster.nics[0].name", "already a NIC")]
    [InlineData("    - { name: eth1, cidr: 10.244.0.0/16 }", "cluster.nics[0].cidr", "overlaps pod_cidr")]
    public void Bad_nics_are_refused_naming_the_field(string nics, string field, string problem)
    {
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => Load(nics, "  []", "  - { name: a }", "  - { name: rr, kind: rr, from: pod:a, to: pod:a }"));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - { name: a, networks: nope }", "  - { name: rr, kind: rr, from: pod:a, to: pod:a }", "cannot find a network-attachment-definition (nope) in namespace (default)")]
    [InlineData("  - { name: a, networks: sriov-net }", "  - { name: rr, kind: rr, from: pod:a, to: pod:a@net2 }", "pod a has no interface net2")]
    public void Selections_and_interfaces_that_do_not_exist_are_refused(string workloads, string traffic, string problem)
    {
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => Load(SriovNic, Sriov(), workloads, traffic));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_annotation_reads_both_forms_and_numbers_interfaces_in_order()
    {
        Assert.True(NetworkSelection.TryParse("a, other/b@fast0, c", "web", out var list, out _));
        Assert.Equal([new NetworkSelection("web", "a", "net1"), new NetworkSelection("other", "b", "fast0"), new NetworkSelection("web", "c", "net3")], list);
        Assert.True(NetworkSelection.TryParse("""[{"name":"a","interface":"x1"},{"name":"b","namespace":"n"}]""", "web", out var json, out _));
        Assert.Equal([new NetworkSelection("web", "a", "x1"), new NetworkSelection("n", "b", "net2")], json);
        Assert.False(NetworkSelection.TryParse("a@eth0", "web", out _, out string error));
        Assert.Contains("eth0", error, StringComparison.Ordinal);
        // Keys of the JSON form that would change the delegate's result are refused, not ignored.
        Assert.False(NetworkSelection.TryParse("""[{"name":"a","mac":"02:00:00:00:00:01"}]""", "web", out _, out string mac));
        Assert.Contains("\"mac\" is not modelled", mac, StringComparison.Ordinal);
        Assert.False(NetworkSelection.TryParse("""[{"name":"a","ips":["10.1.1.5/24"]}]""", "web", out _, out string ips));
        Assert.Contains("\"ips\" is not modelled", ips, StringComparison.Ordinal);
    }

    private static string CniDir()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, "scenarios", "cni");
    }

    /// <summary>
    /// Each plugin's own documented configuration, unchanged, as a NetworkAttachmentDefinition: host-device's README
    /// (no name: Multus gives it the definition's), sriov-cni's README "Configuration with IPAM" (its deviceID replaced
    /// by the device plugin's, as Multus does), Multus' quickstart macvlan-conf. Two pods on node1 each get the
    /// documented range's addresses in order and reach each other over net1.
    /// </summary>
    [Theory]
    [InlineData("host-device.conf", "    - { name: enp0s1, network: fast, cidr: 10.200.0.0/16 }", "", "")]
    [InlineData("sriov-host-local.conf", "    - { name: eth1, network: fast, cidr: 10.56.0.0/16, sriov_numvfs: 4, resource: intel.com/sriov }", "intel.com/sriov", "10.56.217.171")]
    [InlineData("macvlan-conf.json", "", "", "192.168.1.200")]
    public void Each_plugins_documented_configuration_runs_unchanged(string file, string nic, string resource, string firstAddress)
    {
        string nics = nic.Length > 0 ? nic : "    []";
        var s = Load(nics, $"  - {{ name: doc-net, config_file: {Path.Combine(CniDir(), file)}, resource: \"{resource}\" }}",
            """
              - { name: a, placement: pinned, nodes: [node1], networks: doc-net }
              - { name: b, placement: pinned, nodes: [node1], networks: doc-net }
            """, firstAddress.Length > 0 ? "  - { name: rr, kind: rr, from: pod:a, to: pod:b@net1 }" : "  - { name: rr, kind: rr, from: pod:a, to: pod:a }");
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default with
        {
            AfterRun = c =>
            {
                var a = Pod(c, "a-0");
                Assert.NotNull(PodInterface.Find(a.Namespace, "net1"));
                if (firstAddress.Length > 0) Assert.Equal(Ipv4Address.Parse(firstAddress), a.AddressOn("net1"));
                else Assert.Equal("b-0", Assert.Single(c.SandboxFailures).Pod.Name); // one NIC, one pod
            },
        });
        Assert.True(r.Groups[0].Application.Transactions > 0);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
    }
}
