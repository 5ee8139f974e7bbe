using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.LoadBalancers;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Tests.LoadBalancers;

/// <summary>
/// type LoadBalancer end to end, per implementation (cloud balancer beyond the gateway, MetalLB layer 2, MetalLB BGP)
/// and per Service proxy (kube-proxy iptables, IPVS, nftables; Cilium's and Calico's eBPF replacements): an external
/// client beyond the gateway opens connections to lb:api and each one must work and enter the cluster where that
/// implementation brings it in, with the source address externalTrafficPolicy calls for.
/// </summary>
public class LoadBalancerTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("198.18.0.0");

    public static TheoryData<string, string> ModesAndImplementations()
    {
        var data = new TheoryData<string, string>();
        foreach (var mode in new[] { "iptables", "ipvs", "nftables", "cilium-ebpf", "calico-ebpf" })
            foreach (var lb in new[] { "cloud", "metallb-l2", "metallb-bgp" })
                data.Add(mode, lb);
        return data;
    }

    /// <summary>Three nodes; the backend on node2 and (with two replicas) node3; leaf-spine with two racks for BGP.</summary>
    public static string Scenario(string mode, string lb, string policy = "Cluster", int replicas = 1, int connections = 12) => $$"""
        name: lb
        seed: 1
        duration: 60ms
        warmup: 0ms
        cluster:
          nodes: { count: 3, cores: 2{{(lb == "metallb-bgp" ? ", racks: 2" : "")}} }
          {{(lb == "metallb-bgp" ? "fabric: { type: leaf-spine }" : "")}}
          external_network: 203.0.113.0/24
          load_balancer: {{lb}}
        cni: { datapath: {{(mode.EndsWith("ebpf", StringComparison.Ordinal) ? mode : "flannel-vxlan")}} }
        {{(mode.EndsWith("ebpf", StringComparison.Ordinal) ? "" : $"kube_proxy: {{ mode: {mode} }}")}}
        workloads:
          - { name: api, replicas: {{replicas}}, placement: pinned, nodes: [{{(replicas == 1 ? "node2" : "node2, node3")}}], ports: [{ port: 8080 }] }
        services:
          - name: api
            type: LoadBalancer
            selector: { app: api }
            ports: [{ port: 80, target_port: 8080 }]
            external_traffic_policy: {{policy}}
        traffic:
          - { name: in, kind: crr, from: external:web, to: lb:api, count: {{connections}} }
        """;

    [Theory]
    [MemberData(nameof(ModesAndImplementations))]
    public void With_policy_Cluster_every_connection_works_and_the_client_talks_only_to_the_load_balancer_address(string mode, string lb)
    {
        var run = Run(Scenario(mode, lb));
        Assert.Equal(12, run.Transactions);
        Assert.NotEmpty(run.ClientSaw);
        Assert.All(run.ClientSaw, a => Assert.Equal(Vip, a));
        var entered = run.EnteredAt();
        switch (lb)
        {
            case "metallb-l2":
                // Everything enters the elected speaker, which forwards what it does not serve itself.
                string speaker = MetalLbL2Election.Speaker(["node1", "node2", "node3"], Vip)!;
                Assert.Equal([speaker], entered);
                break;
            case "metallb-bgp":
            case "cloud":
                // Every node announces (BGP) or is healthy (cloud, Cluster): connections spread over more than one node.
                Assert.True(entered.Count > 1, $"all connections entered {string.Join(",", entered)}");
                break;
        }
        // Cluster policy through a node without the backend: source NAT to that node, so the reply returns through it.
        if (entered.Any(n => n != "node2"))
            Assert.Contains(run.BackendSaw, a => a != run.Cluster.External("web").Address);
    }

    [Theory]
    [MemberData(nameof(ModesAndImplementations))]
    public void With_policy_Local_only_nodes_with_a_backend_get_traffic_and_the_backend_sees_the_client(string mode, string lb)
    {
        var run = Run(Scenario(mode, lb, "Local"));
        Assert.Equal(12, run.Transactions);
        Assert.All(run.ClientSaw, a => Assert.Equal(Vip, a));
        Assert.Equal(["node2"], run.EnteredAt());
        Assert.NotEmpty(run.BackendSaw);
        Assert.All(run.BackendSaw, a => Assert.Equal(run.Cluster.External("web").Address, a));
    }

    [Fact]
    public void The_l2_speaker_is_the_first_node_by_sha256_of_node_and_address_and_is_the_gateways_next_hop()
    {
        string speaker = MetalLbL2Election.Speaker(["node1", "node2", "node3"], Vip)!;
        var hashes = new[] { "node1", "node2", "node3" }
            .OrderBy(n => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(n + "#198.18.0.0"))), StringComparer.Ordinal);
        Assert.Equal(hashes.First(), speaker);
        var run = Run(Scenario("iptables", "metallb-l2", connections: 1));
        var route = run.Cluster.External(ExternalGateway.Name).Host.LookupRoute(Vip);
        Assert.Equal(run.Cluster.Node(speaker).Address, route!.Gateway);
        // With Local only nodes with a ready endpoint are candidates.
        Assert.Equal("node2", MetalLbL2Election.Speaker(["node2"], Vip));
    }

    [Fact]
    public void Iptables_jumps_from_kube_services_to_the_external_chain_for_the_load_balancer_ip()
    {
        var run = Run(Scenario("iptables", "metallb-l2", connections: 1));
        var services = run.Cluster.Nodes[0].Host.Netfilter.Nat.Chains.Single(c => c.Name == "KUBE-SERVICES");
        var rule = Assert.Single(services.Rules, r => r.Destination is { } d && d.Network == Vip);
        Assert.StartsWith("KUBE-EXT-", Assert.IsType<NetSim.Datapaths.Netfilter.StandardTarget>(rule.Target).Chain!.Name, StringComparison.Ordinal);
        Assert.EndsWith("loadbalancer IP", rule.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipvs_binds_the_load_balancer_ip_to_kube_ipvs0_and_lists_it_in_the_load_balancer_sets()
    {
        foreach (var (policy, local) in new[] { ("Cluster", 0), ("Local", 1) })
        {
            var run = Run(Scenario("ipvs", "metallb-l2", policy, connections: 1));
            var ipvs = Assert.IsType<NetSim.Topologies.KubeProxy.KubeProxyIpvs>(run.Proxies[0]);
            Assert.Contains(ipvs.Dummy!.Addresses, a => a.Address == Vip);
            Assert.Equal(1, ipvs.Set("KUBE-LOAD-BALANCER").Count);
            Assert.Equal(local, ipvs.Set("KUBE-LOAD-BALANCER-LOCAL").Count);
            Assert.Equal(local, ipvs.Set("KUBE-HEALTH-CHECK-NODE-PORT").Count);
        }
    }

    [Fact]
    public void The_cloud_balancer_sends_to_node_ports_and_with_policy_Local_keeps_only_nodes_whose_kube_proxy_has_a_local_endpoint()
    {
        var run = Run(Scenario("iptables", "cloud", "Local", connections: 1));
        var lb = run.Services.CloudLoadBalancer!;
        Assert.Equal(["node2"], lb.InRotation("api"));
        var vs = Assert.Single(lb.Table.Services);
        var nodePort = run.Scenario.Services[0].Ports[0].NodePort;
        Assert.All(vs.Destinations, d => Assert.Equal(nodePort, d.Port));
        Assert.Equal([run.Cluster.Node("node2").Address], vs.Destinations.Select(d => d.Address));
    }

    [Fact]
    public void A_node_losing_its_last_endpoint_leaves_the_cloud_balancer_after_interval_times_threshold()
    {
        // Two replicas (node2, node3); at 1 s the Deployment scales to one: the pod on node3 goes, kube-proxy there
        // syncs, its healthCheckNodePort answers 503, and after 3 failed checks 8 s apart (GCE's defaults) node3 is out.
        string yaml = Scenario("iptables", "cloud", "Local", replicas: 2, connections: 1).Replace("duration: 60ms", "duration: 40s")
            + "\nevents:\n  - { at: 1s, kind: scale, workload: api, replicas: 1 }\n";
        var s = ScenarioLoader.Parse(yaml, "lb.yaml");
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var services = new ServiceWiring(cluster);
        services.Program();
        var lb = services.CloudLoadBalancer!;
        Assert.Equal(["node2", "node3"], lb.InRotation("api"));
        var dynamics = new NetSim.Topologies.Dynamics.ClusterDynamics(cluster, services, NetSim.Topologies.Dynamics.ControlPlaneTimers.Resolve(s, ClusterSimulationTests.Profile()));
        dynamics.Schedule();
        cluster.Context.Sim.RunUntil(SimTime.FromSeconds(40));
        var change = Assert.Single(lb.HealthChanges);
        Assert.False(change.Healthy);
        string gone = change.Node;
        Assert.Equal(new[] { "node2", "node3" }.Single(n => n != gone), Assert.Single(lb.InRotation("api")));
        // Probes at 8, 16, 24 s fail (the pod left at 1 s, kube-proxy synced well before 8 s): out at the third.
        Assert.Equal(SimTime.FromSeconds(24), change.At);
        Assert.DoesNotContain(Assert.Single(lb.Table.Services).Destinations, d => d.Address == cluster.Node(gone).Address);
    }

    [Theory]
    [InlineData("cloud", "external_network")]
    [InlineData("metallb-bgp", "leaf-spine")]
    public void An_implementation_without_what_it_needs_is_refused_at_the_load_balancer_field(string lb, string needs)
    {
        string yaml = Scenario("iptables", lb).Replace("  external_network: 203.0.113.0/24\n", "").Replace("racks: 2", "racks: 1").Replace("fabric: { type: leaf-spine }", "");
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml, "lb.yaml"));
        Assert.Equal("cluster.load_balancer", e.Field);
        Assert.Contains(needs, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_overlapping_the_cluster_is_refused()
    {
        string yaml = Scenario("iptables", "metallb-l2").Replace("load_balancer: metallb-l2", "load_balancer: metallb-l2\n  load_balancer_pool: 10.96.5.0/24");
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml, "lb.yaml"));
        Assert.Equal("cluster.load_balancer_pool", e.Field);
        Assert.Contains("service_cidr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_pool_may_overlap_a_cluster_without_load_balancers_but_not_one_with()
    {
        // The testbed's node network is 198.18.0.0/24, the default pool: fine while no Service needs the pool.
        string yaml = Scenario("iptables", "metallb-l2").Replace("external_network: 203.0.113.0/24", "external_network: 203.0.113.0/24\n  node_cidr: 198.18.0.0/24");
        ScenarioLoader.Parse(yaml.Replace("type: LoadBalancer", "type: NodePort").Replace("to: lb:api", "to: nodeport:api"), "lb.yaml");
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml, "lb.yaml"));
        Assert.Equal("cluster.load_balancer_pool", e.Field);
        Assert.Contains("node_cidr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_take_the_pools_addresses_in_order_and_one_past_its_end_stays_pending()
    {
        string yaml = Scenario("iptables", "metallb-l2").Replace("load_balancer: metallb-l2", "load_balancer: metallb-l2\n  load_balancer_pool: 198.18.7.0/31")
            .Replace("traffic:", """
                  - { name: b, type: LoadBalancer, selector: { app: api }, ports: [{ port: 81, target_port: 8080 }] }
                  - { name: c, type: LoadBalancer, selector: { app: api }, ports: [{ port: 82, target_port: 8080 }] }
                traffic:
                """);
        var s = ScenarioLoader.Parse(yaml, "lb.yaml");
        Assert.Equal([Ipv4Address.Parse("198.18.7.0")], s.Services[0].LoadBalancerIngress);
        Assert.Equal([Ipv4Address.Parse("198.18.7.1")], s.Services[1].LoadBalancerIngress);
        Assert.Empty(s.Services[2].LoadBalancerIngress);
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml.Replace("to: lb:api", "to: lb:c"), "lb.yaml"));
        Assert.Contains("used up", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resolved_scenario_writes_the_load_balancer_fields_and_reads_back_the_same()
    {
        string yaml = Scenario("iptables", "cloud", "Local").Replace("load_balancer: cloud", "load_balancer: cloud\n  load_balancer_pool: 198.19.0.0/24\n  load_balancer_health_check: { interval: 5s, unhealthy_threshold: 2 }");
        var s = ScenarioLoader.Parse(yaml, "lb.yaml");
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "again.yaml");
        Assert.Equal(s.Cluster.LoadBalancer, again.Cluster.LoadBalancer);
        Assert.Equal(s.Cluster.LoadBalancerPool, again.Cluster.LoadBalancerPool);
        Assert.Equal(s.Cluster.LoadBalancerHealthCheck, again.Cluster.LoadBalancerHealthCheck);
        Assert.Equal(s.Services[0].Ports, again.Services[0].Ports);
        Assert.Equal(s.Services[0].LoadBalancerIngress, again.Services[0].LoadBalancerIngress);
        Assert.Equal(s.Services[0].HealthCheckNodePort, again.Services[0].HealthCheckNodePort);
    }

    internal sealed record Outcome(long Transactions, List<Ipv4Address> ClientSaw, List<Ipv4Address> BackendSaw, BuiltCluster Cluster,
        List<NetSim.Topologies.KubeProxy.IServiceProxy> Proxies, ServiceWiring Services, NetSim.Topologies.Scenarios.Model.Scenario Scenario, Dictionary<string, int> Inbound)
    {
        /// <summary>The nodes where packets for the load-balancer address (or, from the cloud balancer, for a NodePort) arrived from outside.</summary>
        public List<string> EnteredAt() => Inbound.Where(kv => kv.Value > 0).Select(kv => kv.Key).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    /// <summary>Runs traffic item <paramref name="traffic"/> alone, with taps on its client (an external host or a pod), the first api pod and every node's eth0.</summary>
    internal static Outcome Run(string yaml, int traffic = 0)
    {
        var s = ScenarioLoader.Parse(yaml, "lb.yaml");
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var from = s.Traffic[traffic].From;
        var (clientAddress, clientDevice) = from.Kind == NetSim.Topologies.Scenarios.Model.EndpointKind.Pod
            ? cluster.Pods.First(p => p.Placed.Workload == from.Name || p.Name == from.Name) is var cp ? (cp.Address, cp.Eth0!) : default
            : (cluster.External(from.Name).Address, cluster.External(from.Name).Eth0);
        var client = new TcpSourceTap(clientAddress);
        clientDevice.Tap = client;
        var pod = cluster.Pods.First(p => p.Placed.Workload == "api");
        var backend = new TcpSourceTap(pod.Address);
        pod.Eth0!.Tap = backend;
        var inbound = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            inbound[node.Name] = 0;
            node.Eth0.Tap = new InboundTap(clientAddress, n => inbound[node.Name] += n);
        }
        var flows = new FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0));
        var services = new ServiceWiring(cluster);
        services.Program();
        var wiring = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve, Services = services };
        wiring.Wire(s.Traffic[traffic], traffic);
        cluster.Context.Sim.RunUntil(s.Duration);
        return new Outcome(wiring.Apps[0].Metrics.Transactions, client.Sources, backend.Sources, cluster, services.Proxies, services, s, inbound);
    }

    /// <summary>Counts TCP packets from the external client seen on a node's eth0 (what entered the cluster there).</summary>
    private sealed class InboundTap(Ipv4Address client, Action<int> count) : IPacketTap
    {
        public void Capture(Packet packet, long timePs)
        {
            if (packet.Has(HeaderKind.Ipv4) && packet.Ipv4.Source == client && packet.Has(HeaderKind.Tcp)) count(1);
        }
    }
}
