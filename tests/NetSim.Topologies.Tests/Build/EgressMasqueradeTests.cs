using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Engine.Statistics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// Pod traffic to a host beyond the cluster's gateway (cluster.external_network), per datapath: the source address
/// the host sees is the node's when the CNI masquerades (Flannel's FLANNEL-POSTRTG, Calico's cali-nat-outgoing,
/// Cilium's CILIUM_POST_nat or its eBPF SNAT map, aws-vpc-cni's AWS-SNAT-CHAIN-0, bridge/ptp ipMasq), and the pod's
/// own when it does not — and then the reply has no route back at the gateway, so no transaction completes.
/// </summary>
public class EgressMasqueradeTests
{
    private static string Scenario(string datapath, string extra = "") => $$"""
        name: egress
        seed: 1
        duration: 30ms
        warmup: 0ms
        cluster:
          nodes: { count: 2, cores: 2 }
          external_network: 203.0.113.0/24
        cni: { datapath: {{datapath}}{{extra}} }
        workloads:
          - { name: client, placement: pinned, nodes: [node2] }
          - { name: api, placement: pinned, nodes: [node1] }
        services:
          - { name: api, selector: { app: api }, ports: [{ port: 80 }] }
        traffic:
          - { name: out, kind: rr, from: pod:client, to: external:web, count: 5 }
        """;

    /// <summary>Every datapath with pods on their own addresses, and whether it masquerades by default.</summary>
    public static TheoryData<string, bool> Datapaths => new()
    {
        { DatapathNames.FlannelVxlan, true }, { DatapathNames.FlannelHostGw, true },
        { DatapathNames.CalicoBgp, true }, { DatapathNames.CalicoIpip, true }, { DatapathNames.CalicoVxlan, true }, { DatapathNames.CalicoEbpf, true },
        { DatapathNames.CiliumVxlan, true }, { DatapathNames.CiliumGeneve, true }, { DatapathNames.CiliumLegacy, true }, { DatapathNames.CiliumEbpf, true },
        { DatapathNames.AwsVpcCni, true },
        // containerd's bridge and ptp conflists as NetSim ships them set ipMasq false: the pod's address goes out.
        { DatapathNames.Bridge, false }, { DatapathNames.Ptp, false },
    };

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void The_external_host_sees_the_node_address_when_the_CNI_masquerades_and_the_pod_address_when_not(string datapath, bool masquerades)
    {
        var (seen, transactions, cluster) = Egress(Scenario(datapath));
        var node = cluster.Nodes.Single(n => n.Name == "node2");
        var pod = cluster.Pods.Single(p => p.Placed.Workload == "client");
        Assert.NotEmpty(seen);
        Assert.All(seen, a => Assert.Equal(masquerades ? node.Address : pod.Address, a));
        if (masquerades) Assert.Equal(5, transactions);
        else Assert.Equal(0, transactions); // the gateway has no route to the pod CIDR: the SYN-ACK dies there
    }

    [Theory]
    [InlineData(DatapathNames.FlannelVxlan)]
    [InlineData(DatapathNames.CalicoBgp)]
    [InlineData(DatapathNames.CalicoEbpf)]
    [InlineData(DatapathNames.CiliumLegacy)]
    [InlineData(DatapathNames.CiliumEbpf)]
    public void Without_masquerade_the_pod_address_leaves_and_the_reply_is_lost_at_the_gateway(string datapath)
    {
        var (seen, transactions, cluster) = Egress(Scenario(datapath, ", masquerade: false"));
        var pod = cluster.Pods.Single(p => p.Placed.Workload == "client");
        Assert.NotEmpty(seen);
        Assert.All(seen, a => Assert.Equal(pod.Address, a));
        Assert.Equal(0, transactions);
        // The gateway has no route for the SYN-ACK to the pod: it tells the sender so (ICMP destination unreachable),
        // from its address on the external network.
        Assert.Contains(Ipv4Address.Parse("203.0.113.1"), LastTap!.IcmpSources);
    }

    [Fact]
    public void A_bridge_conflist_with_ipMasq_masquerades_to_the_node_address()
    {
        var (seen, transactions, cluster) = Egress(Scenario(DatapathNames.Ptp).Replace("cni: { datapath: ptp }", """
            cni:
              datapath: ptp
              conflist: ptp-masq.conflist
            """), companion: ("ptp-masq.conflist", """
            {"cniVersion":"1.0.0","name":"ptp-net","plugins":[
             {"type":"ptp","ipMasq":true,"mtu":1500,
              "ipam":{"type":"host-local","ranges":[[{"subnet":"{{.PodCIDR}}"}]],"routes":[{"dst":"0.0.0.0/0"}]}}]}
            """));
        Assert.All(seen, a => Assert.Equal(cluster.Nodes.Single(n => n.Name == "node2").Address, a));
        Assert.Equal(5, transactions);
    }

    [Fact]
    public void Cilium_ebpf_masquerades_in_its_SNAT_map_without_netfilter()
    {
        var (seen, _, cluster) = Egress(Scenario(DatapathNames.CiliumEbpf));
        var node = cluster.Nodes.Single(n => n.Name == "node2");
        Assert.All(seen, a => Assert.Equal(node.Address, a));
        Assert.Equal("cil_to_netdev", node.Eth0.TcEgress!.Name);
        Assert.Empty(node.Host.Conntrack.Entries); // "No CT": the kernel never tracked the connection
    }

    [Theory]
    [InlineData(DatapathNames.CalicoBgp)]
    [InlineData(DatapathNames.CalicoEbpf)]
    public void Calicos_nat_outgoing_rule_tests_the_pool_sets_or_in_ebpf_the_programs_mark(string datapath)
    {
        var (_, _, cluster) = Egress(Scenario(datapath));
        var nat = cluster.Nodes[0].Host.Netfilter.Nat;
        var rule = Assert.Single(nat.Chains.Single(c => c.Name == NetSim.Topologies.Build.Cni.CalicoNatOutgoing.Chain).Rules);
        Assert.IsType<NetSim.Datapaths.Netfilter.MasqueradeTarget>(rule.Target);
        if (datapath == DatapathNames.CalicoEbpf)
            Assert.IsType<NetSim.Datapaths.Netfilter.MarkMatch>(Assert.Single(rule.Matches));
        else
            Assert.Equal([false, true], rule.Matches.Cast<NetSim.Topologies.KubeProxy.IpSetMatch>().Select(m => m.Invert));
    }

    [Fact]
    public void The_gateway_holds_the_nodes_default_route_and_knows_no_pod_route()
    {
        var (_, _, cluster) = Egress(Scenario(DatapathNames.CalicoBgp));
        var gateway = cluster.External(ExternalGateway.Name);
        Assert.Equal(Ipv4Address.Parse("172.18.0.1"), gateway.Address);
        Assert.Equal(Ipv4Address.Parse("203.0.113.10"), cluster.External("web").Address);
        Assert.Null(gateway.Host.LookupRoute(cluster.Pods[0].Address));
        Assert.NotNull(gateway.Host.LookupRoute(cluster.External("web").Address));
    }

    [Fact]
    public void In_a_routed_fabric_the_leaves_carry_calicos_pod_routes_so_an_unmasqueraded_pod_is_answered()
    {
        // Calico peering with the top-of-rack switches: the gateway's default route is the leaf, which knows the blocks.
        string yaml = Scenario(DatapathNames.CalicoBgp, ", masquerade: false").Replace("nodes: { count: 2, cores: 2 }",
            "nodes: { count: 2, cores: 2, racks: 2 }\n  fabric: { type: leaf-spine }");
        var (seen, transactions, cluster) = Egress(yaml);
        var pod = cluster.Pods.Single(p => p.Placed.Workload == "client");
        Assert.All(seen, a => Assert.Equal(pod.Address, a));
        Assert.Equal(5, transactions);
        Assert.Equal(Ipv4Address.Parse("172.18.0.254"), cluster.External(ExternalGateway.Name).Address);
    }

    [Fact]
    public void In_a_routed_fabric_flannel_masquerades_and_the_reply_crosses_the_spines()
    {
        string yaml = Scenario(DatapathNames.FlannelVxlan).Replace("nodes: { count: 2, cores: 2 }",
            "nodes: { count: 2, cores: 2, racks: 2 }\n  fabric: { type: leaf-spine }");
        var (seen, transactions, cluster) = Egress(yaml);
        Assert.All(seen, a => Assert.Equal(cluster.Nodes.Single(n => n.Name == "node2").Address, a));
        Assert.Equal(5, transactions);
    }

    [Theory]
    [InlineData("cluster.external_network=172.18.5.0/24", "overlaps node_cidr")]
    [InlineData("cluster.external_network=10.96.0.0/16", "overlaps service_cidr")]
    [InlineData("cluster.external_network=203.0.113.0/31", "smaller than a /30")]
    [InlineData("cluster.external_network=203.0.113", "external_network")]
    [InlineData("cluster.fabric.type=veth-pair", "no gateway")]
    public void A_bad_external_network_is_refused_naming_the_field(string set, string message)
    {
        string[] sets = set.StartsWith("cluster.fabric", StringComparison.Ordinal) ? [set, "cluster.shared_cpu=true"] : [set];
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(Scenario(DatapathNames.CalicoBgp), "egress.yaml", sets));
        Assert.Contains("external_network", e.Field, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Masquerade_is_on_by_default_only_with_an_outside_world()
    {
        Assert.True(ScenarioLoader.Parse(Scenario(DatapathNames.CalicoBgp), "egress.yaml").Cni.Masquerade);
        Assert.False(ScenarioLoader.Parse(Scenario(DatapathNames.CalicoBgp).Replace("  external_network: 203.0.113.0/24\n", ""), "egress.yaml").Cni.Masquerade);
    }

    [Fact]
    public void The_resolved_scenario_writes_both_new_fields_and_reads_back_the_same()
    {
        var s = ScenarioLoader.Parse(Scenario(DatapathNames.CalicoBgp, ", masquerade: false"), "egress.yaml");
        string written = ScenarioWriter.Write(s);
        Assert.Contains("external_network: 203.0.113.0/24", written, StringComparison.Ordinal);
        Assert.Contains("masquerade: false", written, StringComparison.Ordinal);
        var again = ScenarioLoader.Parse(written, "again.yaml");
        Assert.Equal(s.Cluster.ExternalNetwork, again.Cluster.ExternalNetwork);
        Assert.False(again.Cni.Masquerade);
    }

    /// <summary>Runs the scenario; returns the source of every packet the external host received, the completed transactions and the cluster.</summary>
    private static (List<Ipv4Address> Seen, long Transactions, BuiltCluster Cluster) Egress(string yaml, (string Name, string Text)? companion = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "netsim-egress-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "egress.yaml");
            File.WriteAllText(file, yaml);
            if (companion is { } c) File.WriteAllText(Path.Combine(dir, c.Name), c.Text);
            var s = ScenarioLoader.Load(file);
            var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
            var web = cluster.External("web");
            var tap = LastTap = new SourceTap(web.Address);
            web.Eth0.Tap = tap;
            var flows = new FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0));
            var services = new ServiceWiring(cluster);
            services.Program();
            var wiring = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve, Services = services };
            wiring.Wire(s.Traffic[0], 0);
            cluster.Context.Sim.RunUntil(SimTime.FromMilliseconds(30));
            return (tap.Sources, wiring.Apps[0].Metrics.Transactions, cluster);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [ThreadStatic] private static SourceTap? LastTap;

    private sealed class SourceTap(Ipv4Address self) : IPacketTap
    {
        public List<Ipv4Address> Sources { get; } = new();
        public List<Ipv4Address> IcmpSources { get; } = new();

        public void Capture(Packet packet, long timePs)
        {
            // TCP only: without masquerade the gateway answers the lost SYN-ACK with an ICMP unreachable of its own.
            if (!packet.Has(HeaderKind.Ipv4) || packet.Ipv4.Destination != self) return;
            if (packet.Has(HeaderKind.Tcp) && !packet.Has(HeaderKind.Icmp)) Sources.Add(packet.Ipv4.Source);
            else if (packet.Has(HeaderKind.Icmp)) IcmpSources.Add(packet.Ipv4.Source);
        }
    }
}
