using System.Text.Json.Nodes;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Build;

/// <summary>Pods are attached by CNI ADD of the datapath's real plugin chain, through each node's container runtime.</summary>
public class CniLifecycleTests
{
    private const string Cluster = """
        name: cni
        seed: 1
        duration: 10ms
        cluster:
          nodes: { count: 2 }
        workloads:
          - { name: web, replicas: 3, placement: pinned, nodes: [node1] }
          - { name: db, placement: pinned, nodes: [node2] }
        """;

    private static BuiltCluster Build(string datapath, string yaml = Cluster, string file = "cni.yaml") =>
        ClusterBuilder.Build(ScenarioLoader.Parse(yaml, file, [$"cni.datapath={datapath}"]), ClusterSimulationTests.Profile());

    private static BuiltPod Pod(BuiltCluster c, string name) => c.Pods.Single(p => p.Name == name);

    [Theory]
    [InlineData("bridge", "containerd-net", new[] { "cni0", "veth", "eth0" })]
    [InlineData("flannel-vxlan", "cbr0", new[] { "cni0", "veth", "eth0" })]
    [InlineData("flannel-host-gw", "cbr0", new[] { "cni0", "veth", "eth0" })]
    [InlineData("calico-bgp", "k8s-pod-network", new[] { "cali", "eth0" })]
    [InlineData("calico-ebpf", "k8s-pod-network", new[] { "cali", "eth0" })]
    [InlineData("cilium-ebpf", "cilium", new[] { "lxc", "eth0" })]
    [InlineData("cilium-vxlan", "cilium", new[] { "lxc", "eth0" })]
    public void Each_pod_carries_the_result_of_its_plugin_chain(string datapath, string network, string[] interfaces)
    {
        var c = Build(datapath);
        var pod = Pod(c, "web-1");
        var runtime = pod.Node.Runtime!;
        Assert.Equal(network, runtime.Network.Name);
        var result = runtime.Result(pod.Placed)!;
        Assert.Equal(interfaces, result.Interfaces.Select(i => i.Name.StartsWith("eth0", StringComparison.Ordinal) || i.Name == "cni0" ? i.Name : i.Name[..^8]));
        var sandbox = result.Interfaces.Single(i => i.Sandbox.Length > 0);
        Assert.Equal("eth0", sandbox.Name);
        Assert.Equal(NodeContainerRuntime.Args(pod.Placed).NetNs, sandbox.Sandbox);
        Assert.Equal(pod.Eth0!.Mac.ToString(), sandbox.Mac);
        Assert.Equal(pod.HostVeth!.Name, result.Interfaces[^2].Name);
        var ip = result.Ips.Single();
        Assert.StartsWith($"{pod.Address}/", ip.Address, StringComparison.Ordinal);
        Assert.Equal(result.Interfaces.Count - 1, ip.Interface);
        Assert.Contains(pod.Eth0.Addresses, a => a.Address == pod.Address);
        runtime.CheckPodSandbox(pod.Placed);
    }

    [Fact]
    public void Flannel_delegates_to_bridge_with_subnet_env_mtu_and_a_route_to_the_cluster_network()
    {
        var c = Build("flannel-vxlan");
        var pod = Pod(c, "web-0");
        var node = pod.Node;
        Assert.Equal(1450, pod.Eth0!.Mtu); // FLANNEL_MTU: 1500 - 50 of VXLAN
        Assert.Equal(1450, ((LinuxBridge)node.Host.Device("cni0")).Mtu);
        Assert.Equal("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n",
            node.Runtime!.Node.FlannelSubnet!.FileText());
        var routes = pod.Namespace.Routes.Routes.Select(r => r.ToString()).ToList();
        Assert.Contains(routes, r => r.StartsWith("10.244.0.0/16 via 10.244.0.1", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.StartsWith("0.0.0.0/0 via 10.244.0.1", StringComparison.Ordinal));
        Assert.True(pod.HostVeth!.BridgePort!.Hairpin);
        Assert.Equal(new[] { "10.244.0.2", "10.244.0.3", "10.244.0.4" },
            c.Pods.Where(p => p.Node == node).Select(p => p.Address.ToString()));
    }

    [Fact]
    public void Del_removes_the_veth_and_releases_the_address_and_the_next_add_reuses_nothing_early()
    {
        var c = Build("bridge");
        var pod = Pod(c, "web-2");
        var runtime = pod.Node.Runtime!;
        string hostVeth = pod.HostVeth!.Name;
        runtime.StopPodSandbox(pod.Placed);
        Assert.True(pod.Eth0!.IsDeleted);
        Assert.DoesNotContain(pod.Node.Host.Devices, d => d.Name == hostVeth);
        Assert.Null(runtime.Result(pod.Placed));
        Assert.DoesNotContain(pod.Node.Host.Routes.Routes, r => r.Device?.Name == hostVeth);
        runtime.StopPodSandbox(pod.Placed); // DEL is idempotent
        // host-local continues round robin after the last reserved address (reference §2.3), not from the freed one.
        var again = runtime.RunPodSandbox(pod.Node, pod.Placed with { Name = "web-9" }, new Datapaths.Namespaces.NetworkNamespace(pod.Node.Context, "pod/web-9"));
        Assert.Equal("10.244.0.5", again.Address.ToString());
    }

    [Fact]
    public void Calico_del_withdraws_the_endpoint_and_its_host_route()
    {
        var c = Build("calico-ebpf");
        var pod = Pod(c, "web-0");
        var endpoints = pod.Node.Runtime!.Node.LocalEndpoints;
        Assert.Contains(endpoints, e => e.Ip == pod.Address);
        pod.Node.Runtime.StopPodSandbox(pod.Placed);
        Assert.DoesNotContain(endpoints, e => e.Ip == pod.Address);
        Assert.Null(pod.Node.Host.Routes.Lookup(pod.Address) is { Device: VethDevice } r ? r : null);
    }

    [Fact]
    public void The_loopback_plugin_brings_lo_up_in_every_pod()
    {
        var c = Build("cilium-legacy");
        foreach (var pod in c.Pods) Assert.True(pod.Namespace.Loopback.IsUp);
        var first = c.Pods[0];
        first.Node.Runtime!.StopPodSandbox(first.Placed);
        Assert.False(first.Namespace.Loopback.IsUp);
    }

    [Fact]
    public void Portmap_dnats_a_host_port_to_the_pod_and_del_removes_it()
    {
        var c = Build("calico-bgp");
        var node = c.Pods[0].Node;
        var runtime = node.Runtime!;
        runtime.CapabilityArgs["portMappings"] = JsonNode.Parse("""[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]""")!;
        var placed = c.Pods[0].Placed with { Name = "hostport-0" };
        var pod = runtime.RunPodSandbox(node, placed, new Datapaths.Namespaces.NetworkNamespace(node.Context, "pod/hostport-0"));
        var nat = node.Host.Netfilter.Nat;
        var dnat = nat["CNI-HOSTPORT-DNAT"];
        var perPod = Assert.Single(dnat.Rules).Target!.Chain!;
        var target = Assert.IsType<DnatTarget>(perPod.Rules[^1].Target);
        Assert.Equal(pod.Address, target.Range.MinAddress);
        Assert.Equal(80, target.Range.MinPort);
        Assert.Contains(nat.Builtin(NfInetHook.PreRouting).Rules, r => r.Target?.Chain == dnat);
        Assert.Contains(nat.Builtin(NfInetHook.PostRouting).Rules, r => r.Target?.Chain?.Name == "CNI-HOSTPORT-MASQ");
        runtime.StopPodSandbox(placed);
        Assert.Empty(dnat.Rules);
        Assert.Empty(perPod.Rules);
    }

    [Fact]
    public void A_scenario_can_name_a_real_conflist_and_its_options_take_effect()
    {
        string dir = Directory.CreateTempSubdirectory("netsim-cni").FullName;
        File.WriteAllText(Path.Combine(dir, "10-bridge.conflist"), """
            {"cniVersion":"1.0.0","name":"lab","plugins":[
             {"type":"bridge","bridge":"br-lab","isGateway":true,"hairpinMode":false,"mtu":1400,"ipMasq":true,
              "ipam":{"type":"host-local","ranges":[[{"subnet":"{{.PodCIDR}}"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
             {"type":"portmap","capabilities":{"portMappings":true}}]}
            """);
        string yaml = Cluster.Replace("cluster:", "cni: { datapath: bridge, conflist: 10-bridge.conflist }\ncluster:", StringComparison.Ordinal);
        var c = ClusterBuilder.Build(ScenarioLoader.Parse(yaml, Path.Combine(dir, "lab.yaml")), ClusterSimulationTests.Profile());
        var pod = Pod(c, "web-0");
        Assert.Equal("lab", pod.Node.Runtime!.Network.Name);
        Assert.Equal("br-lab", pod.HostVeth!.Master!.Name);
        Assert.False(pod.HostVeth.BridgePort!.Hairpin);
        Assert.Equal(1400, pod.Eth0!.Mtu);
        // ipMasq: POSTROUTING jumps to the pod's CNI-… chain, which accepts its subnet and masquerades the rest.
        var postrouting = pod.Node.Host.Netfilter.Nat.Builtin(NfInetHook.PostRouting);
        var jump = Assert.Single(postrouting.Rules, r => r.Source == new Ipv4Prefix(pod.Address, 32));
        var chain = jump.Target!.Chain!;
        Assert.StartsWith("CNI-", chain.Name, StringComparison.Ordinal);
        Assert.Equal(StandardTarget.Accept, chain.Rules[0].Target);
        Assert.IsType<MasqueradeTarget>(chain.Rules[1].Target);
        pod.Node.Runtime.StopPodSandbox(pod.Placed);
        Assert.DoesNotContain(postrouting.Rules, r => r.Source == new Ipv4Prefix(pod.Address, 32));
    }

    [Theory]
    [InlineData("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"calico\"}]}", "first plugin is \"calico\" but datapath bridge needs \"bridge\"")]
    [InlineData("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"firewall\"}]}", "plugin \"firewall\" is not modelled")]
    [InlineData("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\",\"ipam\":{\"type\":\"azure-vnet-ipam\"}}]}", "IPAM plugin \"azure-vnet-ipam\" is not modelled")]
    [InlineData("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\n\"plugins\":[{\"type\":\"bridge\",}]}", "error parsing configuration list")]
    [InlineData("{\"cniVersion\":\"9.9.9\",\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]}", "CNI error 1")]
    public void A_bad_conflist_is_an_input_error_on_the_conflist_field(string conflist, string message)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-cni").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.conflist"), conflist);
        string yaml = Cluster.Replace("cluster:", "cni: { datapath: bridge, conflist: bad.conflist }\ncluster:", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, Path.Combine(dir, "s.yaml")));
        Assert.Equal("cni.conflist", e.Field);
        Assert.True(e.Line > 0);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_runs_other_datapaths_with_their_default_configuration()
    {
        string dir = Directory.CreateTempSubdirectory("netsim-cni").FullName;
        File.WriteAllText(Path.Combine(dir, "10-flannel.conflist"), """
            {"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}}]}
            """);
        string yaml = Cluster.Replace("cluster:", "cni: { datapath: flannel-vxlan, conflist: 10-flannel.conflist }\ncluster:", StringComparison.Ordinal);
        var s = ScenarioLoader.Parse(yaml, Path.Combine(dir, "s.yaml"));
        Assert.NotNull(s.Cni.ConflistText);
        var calico = ScenarioLoader.WithDatapath(s, "calico-bgp");
        Assert.Null(calico.Cni.ConflistText);
        Assert.Equal("k8s-pod-network", ClusterBuilder.Build(calico, ClusterSimulationTests.Profile()).Pods[0].Node.Runtime!.Network.Name);
    }
}
