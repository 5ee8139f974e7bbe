using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Engine.Elements;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// bgp_reset: a BGP session dropped with a Cease. Both ends forget what it carried at once (no hold timer to wait for),
/// a route reflector passes the withdrawals on one UPDATE hop later, and BIRD's connect delay later the session is up
/// again and the routes are re-learned one hop after that.
/// </summary>
public class BgpResetTests
{
    private const long Ms = 1_000_000_000;

    private static string Yaml(string bgp, string node, string peer) => WebBehindService.Yaml
        .Replace("count: 3", "count: 4", StringComparison.Ordinal)
        .Replace("cni: { datapath: calico-bgp }", $"cni: {{ datapath: calico-bgp{bgp} }}", StringComparison.Ordinal) + $$"""
        events:
          - { at: 50ms, kind: bgp_reset, node: {{node}}, peer: {{peer}} }
        control_plane: { bgp_update_delay: 5ms, bgp_connect_delay: 40ms }
        """;

    private static (RunResult Run, int During, int After) Run(string yaml, string from)
    {
        int during = -1, after = -1;
        int Lookup(BuiltCluster c) => c.Node(from).Host.LookupRoute(c.Pods.Single(p => p.Node.Name == "node3").Address)?.Prefix.Length ?? -1;
        var options = RunOptions.Default with
        {
            BeforeRun = c => c.Context.Sim.ScheduleAt(new SimTime(70 * Ms), new Probe(() => during = Lookup(c)), EventKinds.ControlPlane, 0, null),
            AfterRun = c => after = Lookup(c),
        };
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "reset.yaml"), ClusterSimulationTests.Profile(), null, options);
        return (r, during, after);
    }

    [Fact]
    public void In_a_full_mesh_both_ends_drop_the_sessions_routes_at_once_and_relearn_them_after_the_connect_delay()
    {
        var (r, during, after) = Run(Yaml("", "node1", "node3"), "node1");
        Assert.Equal([("bgp_reset", 50 * Ms), ("bgp_withdraw", 50 * Ms), ("bgp_relearn", 95 * Ms)],
            r.Timeline.Where(t => t.Kind.StartsWith("bgp", StringComparison.Ordinal)).Select(t => (t.Kind, t.AtPs)));
        Assert.Contains("on 2 nodes", r.Timeline.Single(t => t.Kind == "bgp_withdraw").What, StringComparison.Ordinal);  // node1 and node3 only
        Assert.Equal(0, during);   // node1 without node3's block: the default route
        Assert.Equal(26, after);
        Assert.True(r.Holds, r.Conservation.ToString());
    }

    [Fact]
    public void A_reset_between_reflector_and_client_reaches_the_other_clients_one_hop_later()
    {
        var (r, during, after) = Run(Yaml(", bgp: route-reflectors, route_reflectors: [node1]", "node1", "node3"), "node2");
        var withdraws = r.Timeline.Where(t => t.Kind == "bgp_withdraw").Select(t => t.AtPs).ToList();
        Assert.Equal([50 * Ms, 55 * Ms], withdraws);
        Assert.Equal(0, during);
        Assert.Equal(26, after);
        // Re-learned: node1 one hop after the session is up (90 ms), node2 and node4 one hop later still.
        Assert.Equal([95 * Ms, 100 * Ms], r.Timeline.Where(t => t.Kind == "bgp_relearn").Select(t => t.AtPs));
    }

    [Fact]
    public void Two_route_reflector_clients_have_no_session_to_reset()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml(", bgp: route-reflectors, route_reflectors: [node1]", "node2", "node3"), "reset.yaml"));
        Assert.Contains("reset.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("peer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resolved_scenario_keeps_the_sessions_ends_and_timers()
    {
        var s = ScenarioLoader.Parse(Yaml("", "node1", "node3"), "reset.yaml");
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
        Assert.Equal(("node1", "node3"), (again.Events.Single().Target, again.Events.Single().Peer));
        Assert.Equal(SimTime.FromMilliseconds(40), again.ControlPlane.BgpConnectDelay);
        Assert.Equal(s.ControlPlane, again.ControlPlane);
    }

    private sealed class Probe(Action run) : IEventTarget
    {
        void IEventTarget.OnEvent(in SimEvent ev) => run();
    }
}
