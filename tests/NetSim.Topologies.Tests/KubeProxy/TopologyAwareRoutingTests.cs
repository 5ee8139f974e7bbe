using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>
/// Zone hints: the EndpointSlice controller's (TopologyHints: PreferClose, Auto) and kube-proxy's use of them
/// (EndpointCategories), on three nodes in zones a, b, c with two endpoints each, in every proxy mode.
/// </summary>
public class TopologyAwareRoutingTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.96.0.10");
    private static readonly Dictionary<string, string> ZoneOfNode = new() { ["node1"] = "a", ["node2"] = "b", ["node3"] = "c" };
    private static readonly (string, long)[] EqualCpu = [("a", 8000), ("b", 8000), ("c", 8000)];

    public static TheoryData<string> Modes => new(ProxyCluster.Modes);

    private static string ZoneOf(string node) => ZoneOfNode.GetValueOrDefault(node, "");

    /// <summary>Sends 30 SYNs from pod 0 of the client's node (node1, zone a, by default) to the Service and returns how many reached each node's endpoints.</summary>
    private static int[] ArrivalsByNode(string mode, Func<ProxyCluster, ServicePort> service, int client = 0)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 3);
        c.Install(mode, [service(c)], zoneOf: ZoneOf);
        for (int i = 0; i < 30; i++) bed.Send(c[client].Pods[0], bed.Tcp(Vip, (ushort)(40000 + i), 80, TcpFlags.Syn));
        bed.Run();
        bed.AssertConservation();
        return [.. c.Nodes.Select(n => n.Sinks.Skip(1).Sum(s => s.Of(Ipv4Header.ProtocolTcp).Count()))];
    }

    private static ServicePort Hinted(ProxyCluster c, string topologyMode, string trafficDistribution, IReadOnlyList<(string, long)>? cpu, params (Ipv4Address, string)[] endpoints)
    {
        var svc = ProxyCluster.Service("web", "10.96.0.10", endpoints);
        return svc with { Endpoints = TopologyHints.Apply(svc.Endpoints, topologyMode, trafficDistribution, ZoneOf, cpu) };
    }

    private static (Ipv4Address, string)[] TwoPerNode(ProxyCluster c) => [.. c.Pods(0, 1, 2), .. c.Pods(1, 1, 2), .. c.Pods(2, 1, 2)];

    [Theory]
    [MemberData(nameof(Modes))]
    public void PreferClose_keeps_a_zone_a_client_on_zone_a_endpoints(string mode)
    {
        int[] byNode = ArrivalsByNode(mode, c => Hinted(c, "", TopologyHints.PreferClose, null, TwoPerNode(c)));
        Assert.Equal([30, 0, 0], byNode);
        // Every zone's proxy has its own view: node1 syncs first, so shared chains would send zone c to zone a.
        Assert.Equal([0, 0, 30], ArrivalsByNode(mode, c => Hinted(c, "", TopologyHints.PreferClose, null, TwoPerNode(c)), client: 2));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Without_hints_the_same_client_spreads_over_every_zone(string mode)
    {
        // Auto with 3 zones but 2 endpoints: InsufficientNumberOfEndpoints, so the controller writes no hints.
        int[] byNode = ArrivalsByNode(mode, c => Hinted(c, TopologyHints.Auto, "", EqualCpu, [.. c.Pods(1, 1), .. c.Pods(2, 1)]));
        Assert.Equal(30, byNode.Sum());
        Assert.True(byNode[1] > 0 && byNode[2] > 0, string.Join(",", byNode));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void One_unhinted_ready_endpoint_turns_hints_off_everywhere(string mode)
    {
        // PreferClose hints only endpoints whose node has a zone; node3 here has none, so kube-proxy ignores all hints.
        int[] byNode = ArrivalsByNode(mode, c =>
        {
            var svc = ProxyCluster.Service("web", "10.96.0.10", TwoPerNode(c));
            return svc with { Endpoints = TopologyHints.Apply(svc.Endpoints, "", TopologyHints.PreferClose, n => n == "node3" ? "" : ZoneOf(n), null) };
        });
        Assert.Equal(30, byNode.Sum());
        Assert.True(byNode[1] > 0 && byNode[2] > 0, string.Join(",", byNode));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void InternalTrafficPolicy_Local_ignores_hints(string mode)
    {
        // Local endpoints never look at hints: node1's own endpoints, though both are hinted for zone b.
        int[] byNode = ArrivalsByNode(mode, c =>
        {
            var svc = ProxyCluster.Service("web", "10.96.0.10", TwoPerNode(c), itpLocal: true);
            return svc with { Endpoints = [.. svc.Endpoints.Select(e => e with { ZoneHint = "b" })] };
        });
        Assert.Equal([30, 0, 0], byNode);
    }

    [Fact]
    public void Auto_allocates_in_proportion_to_zone_cpu_closed_form()
    {
        // CPU 2:1:1 and 8 endpoints: desired 4, 2, 2; minimum ceil(desired / 1.2) = 4, 2, 2; maximum = minimum + 8 - 8.
        (string, long)[] cpu = [("a", 16000), ("b", 8000), ("c", 8000)];
        var alloc = TopologyHints.Allocations(8, cpu)!;
        Assert.Equal([("a", 4, 4.0, 4), ("b", 2, 2.0, 2), ("c", 2, 2.0, 2)], alloc.Select(a => (a.Zone, a.Minimum, a.Desired, a.Maximum)));

        // Endpoints 2 in a, 3 in b, 3 in c: one of b's and one of c's are re-hinted for a (4, 2, 2), a's keep their own zone.
        var eps = Enumerable.Range(0, 8).Select(i => new ServiceEndpoint(Ipv4Address.Parse($"10.0.0.{i + 1}"), 8080, i < 2 ? "node1" : i < 5 ? "node2" : "node3")).ToList();
        var hinted = TopologyHints.Apply(eps, TopologyHints.Auto, "", ZoneOf, cpu);
        var count = hinted.GroupBy(e => e.ZoneHint!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((4, 2, 2), (count["a"], count["b"], count["c"]));
        Assert.All(hinted.Take(2), e => Assert.Equal("a", e.ZoneHint));
        Assert.Equal(["a", "b", "b"], hinted.Skip(2).Take(3).Select(e => e.ZoneHint));
    }

    [Fact]
    public void Auto_refuses_when_the_minimums_cannot_be_met_or_node_info_is_missing()
    {
        // 1:1:1 with 4 endpoints: desired 4/3, minimum ceil(4/3 / 1.2) = 2 each, 6 > 4: MinAllocationExceedsOverloadThreshold.
        Assert.Null(TopologyHints.Allocations(4, EqualCpu));
        // 5 endpoints: minimum ceil(5/3 / 1.2) = 2 each, 6 > 5 still; 6 endpoints: 2 each exactly.
        Assert.Null(TopologyHints.Allocations(5, EqualCpu));
        Assert.Equal([2, 2, 2], TopologyHints.Allocations(6, EqualCpu)!.Select(a => a.Maximum));
        Assert.Null(TopologyHints.Allocations(2, EqualCpu)); // fewer endpoints than zones
        Assert.Null(TopologyHints.Allocations(8, [("a", 8000)])); // one zone
        var eps = new[] { new ServiceEndpoint(Ipv4Address.Parse("10.0.0.1"), 80, "node1") };
        Assert.All(TopologyHints.Apply(eps, TopologyHints.Auto, TopologyHints.PreferClose, ZoneOf, null), e => Assert.Null(e.ZoneHint)); // a node without zone; Auto wins over PreferClose
    }

    [Fact]
    public void An_unlabelled_node_ignores_hints()
    {
        var svc = ProxyCluster.Service("web", "10.96.0.10", [(Ipv4Address.Parse("10.0.0.1"), "node1"), (Ipv4Address.Parse("10.0.0.2"), "node2")]);
        svc = svc with { Endpoints = TopologyHints.Apply(svc.Endpoints, "", TopologyHints.PreferClose, ZoneOf, null) };
        Assert.Single(EndpointCategories.Of(svc, "node1", "a").Cluster);
        Assert.Equal(2, EndpointCategories.Of(svc, "node9", "").Cluster.Count);
        Assert.Equal(2, EndpointCategories.Of(svc, "node3", "c").Cluster.Count); // no endpoint hinted for c
    }
}
