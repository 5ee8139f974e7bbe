using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// A node that powers off: the node lifecycle controller marks it NotReady after node-monitor-grace-period, its
/// endpoints leave the Service, and kube-proxy on the other nodes stops choosing them at its next sync, not before.
/// Calico's BIRD peers withdraw its block routes when their hold timers expire.
/// </summary>
public class NodeDownTests
{
    private const long Ms = 1_000_000_000;

    private const string Yaml = WebBehindService.Yaml + """
        events:
          - { at: 50ms, kind: node_down, node: node3 }
        control_plane: { node_monitor_grace_period: 80ms, kube_proxy_min_sync_period: 40ms, bgp_hold_time: 60ms }
        """;

    private static RunResult Run(params string[] sets) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "n.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    [Theory]
    [InlineData("calico-bgp")]
    [InlineData("cilium-vxlan")]
    [InlineData("flannel-vxlan")]
    public void Service_traffic_recovers_after_grace_period_and_proxy_sync_not_before(string datapath)
    {
        var r = Run($"cni.datapath={datapath}");
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.Equal(130 * Ms, r.Timeline.Single(t => t.Kind == "node_not_ready").AtPs);
        // minSyncPeriod (40 ms) has passed since kube-proxy's last sync (at start), so the sync starts at NotReady and
        // its rules take effect when its iptables-restore (or the eBPF agent's map update) ends.
        var sync = r.ProxySyncs.Single();
        Assert.Equal(130 * Ms, sync.StartPs);
        Assert.Equal(sync.EndPs, r.Timeline.Single(t => t.Kind == "kube_proxy_sync").AtPs);
        Assert.InRange(sync.EndPs - sync.StartPs, 0, 20 * Ms);
        var unanswered = r.Groups.Single().Flows.Where(f => f.Unanswered).Select(f => f.StartPs).ToList();
        // About half the connections opened while the dead backend was still in the rules went to it and hang in
        // SYN_SENT; that includes ones opened after NotReady (the rules are not rewritten yet), none after the sync.
        Assert.True(unanswered.Count > 100, $"{unanswered.Count} unanswered");
        Assert.All(unanswered, t => Assert.InRange(t, 50 * Ms, sync.EndPs));
        Assert.Contains(unanswered, t => t > 130 * Ms);
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.NodeDown).Packets > 0);
        Assert.True(r.Groups.Single().Flows.Count(f => f.StartPs > sync.EndPs + Ms && f.BytesDelivered > 0) > 400);
    }

    [Fact]
    public void Calico_withdraws_the_dead_nodes_block_after_the_bgp_hold_time()
    {
        Ipv4Address deadPod = default;
        RouteSeen? before = null, after = null;
        var options = RunOptions.Default with
        {
            BeforeRun = c =>
            {
                deadPod = c.Pods.Single(p => p.Node.Name == "node3").Address;
                before = new RouteSeen(c.Node("node1").Host.LookupRoute(deadPod)?.Prefix.Length ?? -1);
            },
            AfterRun = c => after = new RouteSeen(c.Node("node1").Host.LookupRoute(deadPod)?.Prefix.Length ?? -1),
        };
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "n.yaml"), ClusterSimulationTests.Profile(), null, options);
        Assert.Equal(110 * Ms, r.Timeline.Single(t => t.Kind == "bgp_withdraw").AtPs);
        Assert.Equal(26, before!.PrefixLength);   // the block route learned from node3's BIRD
        Assert.Equal(0, after!.PrefixLength);     // only the default route is left
    }

    [Fact]
    public void With_bfd_the_block_is_withdrawn_after_its_detection_time_not_the_hold_time()
    {
        var r = RunYaml(Yaml.Replace("bgp_hold_time: 60ms", "bgp_hold_time: 60ms, bfd_detect_time: 500us", StringComparison.Ordinal));
        var withdraw = r.Timeline.Single(t => t.Kind == "bgp_withdraw");
        Assert.Equal(50 * Ms + Ms / 2, withdraw.AtPs);
        Assert.Contains("BFD", withdraw.What, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlays_without_bgp_keep_their_routes()
    {
        var r = Run("cni.datapath=flannel-vxlan");
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "bgp_withdraw");
    }

    [Fact]
    public void A_node_back_before_the_grace_period_is_never_marked_not_ready()
    {
        var r = RunYaml(WithNodeUp("100ms"));
        Assert.Equal(["node_down", "node_up"], r.Timeline.Select(t => t.Kind));
    }

    [Fact]
    public void A_node_that_comes_back_is_ready_again_and_its_endpoints_return_after_a_sync()
    {
        var r = RunYaml(WithNodeUp("210ms", Relearn));
        Assert.Equal(["node_down", "bgp_withdraw", "node_not_ready", "kube_proxy_sync", "node_up", "bgp_reconnect", "node_ready", "kube_proxy_sync", "bgp_restore"],
            r.Timeline.Select(t => t.Kind));
        // node_ready at 210 ms; the last sync started at 130 ms, more than minSyncPeriod before, so this one starts at once.
        Assert.Equal(210 * Ms, r.ProxySyncs[^1].StartPs);
        Assert.True(r.Holds, r.Conservation.ToString());
        // After the routes are back, new connections reach node3's backend again: its elements see far more packets than
        // in the run where it stays down, and every connection opened after that is answered.
        var restored = r.Timeline.Single(t => t.Kind == "bgp_restore").AtPs;
        Assert.True(PacketsOn(r, "node3") > 2 * PacketsOn(Run(), "node3"), $"{PacketsOn(r, "node3")} vs {PacketsOn(Run(), "node3")}");
        Assert.DoesNotContain(r.Groups.Single().Flows, f => f.Unanswered && f.StartPs > restored + Ms);
    }

    // BIRD's timers scaled down: sessions failed at 110 ms (hold timer) are restarted after 20 ms of error wait, tried
    // 10 ms later (connect delay) and then every 30 ms (connect retry): attempts at 140, 170, 200, 230 ms.
    private const string Relearn = "bgp_error_wait: 20ms, bgp_connect_delay: 10ms, bgp_connect_retry: 30ms, ";

    [Fact]
    public void Bgp_relearns_a_recovered_node_at_the_next_connect_attempt_plus_an_update_not_at_node_up()
    {
        var r = RunYaml(WithNodeUp("210ms", Relearn));
        var restore = r.Timeline.Single(t => t.Kind == "bgp_restore");
        // The first attempt after 210 ms is at 230 ms; the blocks arrive one UPDATE (0.239 ms, the profile's) later.
        Assert.Equal(230 * Ms + 239 * Ms / 1000, restore.AtPs);
        Assert.Contains("established at 230", r.Timeline.Single(t => t.Kind == "bgp_reconnect").What, StringComparison.Ordinal);
        // Between the proxy's sync (node3's endpoint chosen again) and the routes' return, connections that chose
        // node3's backend have no route to it and go unanswered; none opened after the routes returned does.
        var sync = r.ProxySyncs[^1].EndPs;
        var flows = r.Groups.Single().Flows;
        Assert.Contains(flows, f => f.Unanswered && f.StartPs > sync && f.StartPs < restore.AtPs);
        Assert.DoesNotContain(flows, f => f.Unanswered && f.StartPs > restore.AtPs + Ms);
    }

    [Fact]
    public void With_calicos_bird_defaults_a_node_back_waits_for_the_error_wait_and_connect_delay()
    {
        var r = RunYaml(WithNodeUp("200ms"));
        // Failed at 110 ms: 5 s error wait + 5 s connect delay: no route back within the run.
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "bgp_restore");
        Assert.Contains("established at 10.11", r.Timeline.Single(t => t.Kind == "bgp_reconnect").What, StringComparison.Ordinal);
    }

    private static long PacketsOn(RunResult r, string node) => r.Elements.Where(e => e.Node == node).Sum(e => e.Packets);

    private static string WithNodeUp(string at, string timers = "") =>
        Yaml.Replace("control_plane: {", $"  - {{ at: {at}, kind: node_up, node: node3 }}\ncontrol_plane: {{ {timers}", StringComparison.Ordinal);

    private static RunResult RunYaml(string yaml) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "n.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    private sealed record RouteSeen(int PrefixLength);
}
