using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.LoadBalancers;

/// <summary>
/// kube-apiserver's NodePort allocation for Services without a chosen nodePort (KEP-3668): the default range's lower
/// 128 ports are the static band, allocation takes random free ports of the upper band first, deterministically from
/// the scenario's seed; chosen ports that collide are refused.
/// </summary>
public class NodePortAllocationTests
{
    private static string Yaml(string ports, int seed = 1, string type = "NodePort", int count = 1) => $$"""
        name: np
        seed: {{seed}}
        cluster: { nodes: { count: 2 } }
        workloads:
          - { name: web, ports: [{ port: 8080 }] }
        services:
          - { name: web, type: {{type}}, count: {{count}}, selector: { app: web }, ports: {{ports}} }
        traffic:
          - { kind: rr, from: node:node1, to: nodeport:{{(count > 1 ? "web-0" : "web")}}, count: 1 }
        """;

    [Fact]
    public void The_static_band_of_the_default_range_is_128_ports_and_smaller_ranges_get_a_sixteenth_at_least_16()
    {
        Assert.Equal(128, NodePortAllocator.StaticBandSize(32767 - 30000 + 1));
        Assert.Equal(16, NodePortAllocator.StaticBandSize(100));
        Assert.Equal(50, NodePortAllocator.StaticBandSize(800));
        Assert.Equal(30128, new NodePortAllocator(30000, 32767, 1).DynamicBandStart);
    }

    [Fact]
    public void A_service_without_a_node_port_gets_one_from_the_upper_band_the_same_for_the_same_seed()
    {
        var a = ScenarioLoader.Parse(Yaml("[{ port: 80, target_port: 8080 }]"), "np.yaml").Services[0].Ports[0].NodePort;
        var b = ScenarioLoader.Parse(Yaml("[{ port: 80, target_port: 8080 }]"), "np.yaml").Services[0].Ports[0].NodePort;
        Assert.Equal(a, b);
        Assert.InRange(a, 30128, 32767);
        var others = Enumerable.Range(2, 8).Select(seed => ScenarioLoader.Parse(Yaml("[{ port: 80, target_port: 8080 }]", seed), "np.yaml").Services[0].Ports[0].NodePort).ToList();
        Assert.All(others, p => Assert.InRange(p, 30128, 32767));
        Assert.True(others.Distinct().Count() > 4, "the seed should move the random start");
    }

    [Fact]
    public void Allocation_skips_chosen_ports_and_falls_back_to_the_static_band_only_when_the_upper_band_is_full()
    {
        var allocator = new NodePortAllocator(30000, 30099, 7); // 100 ports: static band 16
        Assert.True(allocator.Reserve(30050));
        Assert.False(allocator.Reserve(30050));
        var got = Enumerable.Range(0, 83).Select(_ => allocator.Allocate()).ToList();
        Assert.All(got, p => Assert.InRange(p, 30016, 30099));
        Assert.DoesNotContain(30050, got);
        Assert.Equal(83, got.Distinct().Count());
        var next = Enumerable.Range(0, 16).Select(_ => allocator.Allocate()).ToList();
        Assert.All(next, p => Assert.InRange(p, 30000, 30015));
        Assert.Equal(0, allocator.Allocate());
    }

    [Fact]
    public void Every_service_of_a_count_gets_its_own_port_and_a_load_balancer_with_policy_Local_a_health_check_port()
    {
        var s = ScenarioLoader.Parse(Yaml("[{ port: 80, target_port: 8080 }, { name: b, port: 81, target_port: 8080 }]", count: 20), "np.yaml");
        var ports = s.Services.SelectMany(v => v.Ports.Select(p => p.NodePort)).ToList();
        Assert.Equal(40, ports.Distinct().Count());
        var lb = ScenarioLoader.Parse(Yaml("[{ port: 80, target_port: 8080 }]", type: "LoadBalancer").Replace("selector:", "external_traffic_policy: Local, selector:"), "np.yaml").Services[0];
        Assert.InRange(lb.HealthCheckNodePort, 30128, 32767);
        Assert.NotEqual(lb.Ports[0].NodePort, lb.HealthCheckNodePort);
    }

    [Fact]
    public void Two_services_choosing_the_same_node_port_are_refused_with_the_line()
    {
        string yaml = Yaml("[{ port: 80, target_port: 8080, node_port: 30080 }]").Replace("traffic:",
            "  - { name: two, type: NodePort, selector: { app: web }, ports: [{ port: 81, target_port: 8080, node_port: 30080 }] }\ntraffic:");
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml, "np.yaml"));
        Assert.Contains("node port 30080 is used by both web and two", e.Message, StringComparison.Ordinal);
        Assert.Contains("np.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_health_check_node_port_is_refused_on_a_service_with_policy_Cluster()
    {
        string yaml = Yaml("[{ port: 80, target_port: 8080 }]", type: "LoadBalancer").Replace("selector:", "health_check_node_port: 30500, selector:");
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(yaml, "np.yaml"));
        Assert.Equal("services[0].health_check_node_port", e.Field);
    }
}
