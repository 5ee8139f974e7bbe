using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>cluster.nodes zones and services' traffic_distribution / topology_mode: read, written back, refused when bad, and routed by.</summary>
public class TopologyFieldsTests
{
    private const string Zoned = """
        name: zoned
        cluster:
          nodes: { count: 4, zones: [a, b, c] }
        cni: { datapath: flannel-vxlan }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, replicas: 3, placement: pinned, nodes: [node1, node2, node3], ports: [{ name: http, port: 8080 }] }
        services:
          - name: web
            selector: { app: server }
            ports: [{ port: 80, target_port: http }]
            traffic_distribution: PreferClose
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: "service:web:80" }
        """;

    [Fact]
    public void Zones_go_round_robin_and_the_fields_survive_a_round_trip()
    {
        var s = ScenarioLoader.Parse(Zoned, "zoned.yaml");
        Assert.Equal(["a", "b", "c", "a"], s.Cluster.Nodes.Select(n => n.Zone));
        Assert.Equal(("PreferClose", ""), (s.Services[0].TrafficDistribution, s.Services[0].TopologyMode));
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "resolved.yaml");
        Assert.Equal(["a", "b", "c", "a"], again.Cluster.Nodes.Select(n => n.Zone));
        Assert.Equal("PreferClose", again.Services[0].TrafficDistribution);
        var auto = ScenarioLoader.Parse(Zoned.Replace("traffic_distribution: PreferClose", "topology_mode: Auto", StringComparison.Ordinal), "zoned.yaml");
        Assert.Equal("Auto", ScenarioLoader.Parse(ScenarioWriter.Write(auto), "resolved.yaml").Services[0].TopologyMode);
        Assert.DoesNotContain("zone", ScenarioWriter.Write(ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("traffic_distribution: PreferClose", "traffic_distribution: Nearest", "services.web.traffic_distribution")]
    [InlineData("traffic_distribution: PreferClose", "topology_mode: auto", "services.web.topology_mode")]
    [InlineData("zones: [a, b, c]", "zones: [a, -b]", "cluster.nodes.zones")]
    [InlineData("zones: [a, b, c]", "zones: [a, a]", "cluster.nodes.zones")]
    public void A_bad_value_names_file_line_and_field(string from, string to, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Zoned.Replace(from, to, StringComparison.Ordinal), "zoned.yaml"));
        Assert.Equal("zoned.yaml", e.File);
        Assert.True(e.Line > 0);
        Assert.EndsWith(field.Split('.')[^1], e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void PreferClose_keeps_the_trace_in_the_clients_zone_and_without_it_the_request_may_leave()
    {
        var client = new EndpointRef(EndpointKind.Pod, "client", 0, null, null);
        var web = new EndpointRef(EndpointKind.Service, "web", 80, null, null);
        var nodes = new HashSet<string>();
        for (int i = 0; i < 6; i++)
        {
            var s = ScenarioLoader.Parse(Zoned, "zoned.yaml", [$"seed={i + 1}"]);
            var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(client, web, 80));
            var syn = t.Packets.First(p => p.What.StartsWith("TCP SYN ", StringComparison.Ordinal));
            Assert.All(syn.Hops, h => Assert.Equal("node1", h.Node));
        }
        for (int i = 0; i < 6; i++)
        {
            var s = ScenarioLoader.Parse(Zoned.Replace("traffic_distribution: PreferClose", "traffic_distribution: PreferClose\n    topology_mode: Auto", StringComparison.Ordinal), "zoned.yaml", [$"seed={i + 1}"]);
            var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(client, web, 80));
            var syn = t.Packets.First(p => p.What.StartsWith("TCP SYN ", StringComparison.Ordinal));
            foreach (var h in syn.Hops) nodes.Add(h.Node);
        }
        // Auto refuses (3 endpoints, zone CPU 2:1:1 for node1+node4 in a: minimum ceil(1.5/1.2) = 2 for a, 1, 1, 4 > 3): no hints, any node.
        Assert.True(nodes.Count > 1, string.Join(",", nodes));
    }
}
