using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// Calico's BGP through route reflectors instead of the full mesh: a dead client's routes reach the other clients one
/// UPDATE hop after the reflector's own hold timer expires; a dead reflector takes with it the routes its clients learned
/// only through it, after their hold timers, unless a second reflector still carries them.
/// </summary>
public class RouteReflectorTests
{
    private const long Ms = 1_000_000_000;

    // Four nodes (node4 hosts nothing), the hold time 60 ms and one UPDATE hop 5 ms, so the hop shows in the timeline.
    private static string Yaml(string bgp, string down) => WebBehindService.Yaml
        .Replace("count: 3", "count: 4", StringComparison.Ordinal)
        .Replace("cni: { datapath: calico-bgp }", $"cni: {{ datapath: calico-bgp{bgp} }}", StringComparison.Ordinal) + $$"""
        events:
          - { at: 50ms, kind: node_down, node: {{down}} }
        control_plane: { bgp_hold_time: 60ms, bgp_update_delay: 5ms }
        """;

    private static (RunResult Run, int Node2ToNode3Before, int Node2ToNode3After) Run(string yaml)
    {
        int before = -1, after = -1;
        int Lookup(BuiltCluster c) => c.Node("node2").Host.LookupRoute(c.Pods.Single(p => p.Node.Name == "node3").Address)?.Prefix.Length ?? -1;
        var options = RunOptions.Default with { BeforeRun = c => before = Lookup(c), AfterRun = c => after = Lookup(c) };
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "rr.yaml"), ClusterSimulationTests.Profile(), null, options);
        return (r, before, after);
    }

    [Fact]
    public void Full_mesh_withdraws_a_dead_nodes_block_everywhere_at_the_hold_time()
    {
        var (r, _, _) = Run(Yaml("", "node3"));
        var withdraw = Assert.Single(r.Timeline, t => t.Kind == "bgp_withdraw");
        Assert.Equal(110 * Ms, withdraw.AtPs);
        Assert.Contains("on 3 nodes", withdraw.What, StringComparison.Ordinal);
    }

    [Fact]
    public void Through_a_reflector_the_clients_lose_the_route_one_update_hop_after_the_reflectors_hold_timer()
    {
        var (r, before, after) = Run(Yaml(", bgp: route-reflectors, route_reflectors: [node1]", "node3"));
        var withdraws = r.Timeline.Where(t => t.Kind == "bgp_withdraw").ToList();
        Assert.Equal([110 * Ms, 115 * Ms], withdraws.Select(w => w.AtPs));
        Assert.Contains("on 1 nodes", withdraws[0].What, StringComparison.Ordinal);   // the reflector's own hold timer
        Assert.Contains("on 2 nodes", withdraws[1].What, StringComparison.Ordinal);   // its clients node2 and node4
        Assert.Equal(26, before);
        Assert.Equal(0, after);
        Assert.True(r.Holds, r.Conservation.ToString());
    }

    [Fact]
    public void A_dead_sole_reflector_takes_the_routes_its_clients_learned_through_it()
    {
        var (r, before, after) = Run(Yaml(", bgp: route-reflectors, route_reflectors: [node4]", "node4"));
        Assert.Equal(110 * Ms, Assert.Single(r.Timeline, t => t.Kind == "bgp_withdraw").AtPs);
        Assert.Equal(26, before);
        Assert.Equal(0, after);   // node2 learned node3's block only from node4
    }

    [Fact]
    public void With_two_reflectors_a_dead_one_costs_the_clients_nothing()
    {
        var (r, before, after) = Run(Yaml(", bgp: route-reflectors, route_reflectors: [node1, node4]", "node4"));
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "bgp_withdraw" && !t.What.Contains("(0 routes", StringComparison.Ordinal));
        Assert.Equal(26, before);
        Assert.Equal(26, after);  // still learned through node1
    }
}
