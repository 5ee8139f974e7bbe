using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>"events:" and "control_plane:" are validated like every other field: one error naming file, line and field.</summary>
public class ClusterEventInputTests
{
    private const string Base = """
        name: events
        duration: 100ms
        cluster:
          nodes: { count: 3 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private static Scenario Parse(string events) => ScenarioLoader.Parse(Base + "\n" + events, "e.yaml");

    private static InputException Bad(string events) => Assert.Throws<InputException>(() => Parse(events));

    [Fact]
    public void Events_are_read_in_time_order_with_their_lines_and_timers()
    {
        var s = Parse("""
            events:
              - { at: 60ms, kind: link_up, node: node2 }
              - { at: 20ms, kind: link_down, node: node2 }
            control_plane: { node_monitor_grace_period: 50ms, bgp_hold_time: 3s }
            """);
        Assert.Equal([ClusterEvent.LinkDown, ClusterEvent.LinkUp], s.Events.Select(e => e.Kind));
        Assert.Equal(SimTime.FromMilliseconds(20), s.Events[0].At);
        Assert.Equal(12, s.Events[0].Line);
        Assert.Equal(SimTime.FromMilliseconds(50), s.ControlPlane.NodeMonitorGracePeriod);
        Assert.Null(s.ControlPlane.KubeProxyMinSyncPeriod);
        Assert.Equal(SimTime.FromSeconds(3), s.ControlPlane.BgpHoldTime);
    }

    [Fact]
    public void The_resolved_scenario_keeps_its_events_and_timers()
    {
        var s = Parse("""
            events:
              - { at: 20ms, kind: node_down, node: node3 }
            control_plane: { kube_proxy_min_sync_period: 5ms, bfd_detect_time: 900ms, bgp_update_delay: 3ms }
            """);
        Assert.Equal(SimTime.FromMilliseconds(900), s.ControlPlane.BfdDetectTime);
        Assert.Equal(SimTime.FromMilliseconds(3), s.ControlPlane.BgpUpdateDelay);
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
        Assert.Equal(s.Events.Select(e => (e.At, e.Kind, e.Target)), again.Events.Select(e => (e.At, e.Kind, e.Target)));
        Assert.Equal(s.ControlPlane, again.ControlPlane);
    }

    [Theory]
    [InlineData("events:\n  - { at: 100ms, kind: node_down, node: node2 }", 11, "events[0].at", "not before the end of the run")]
    [InlineData("events:\n  - { at: -1ms, kind: node_down, node: node2 }", 11, "events[0].at", "negative")]
    [InlineData("events:\n  - { kind: node_down, node: node2 }", 11, "events[0].at", "required")]
    [InlineData("events:\n  - { at: 1ms, node: node2 }", 11, "events[0].kind", "required")]
    [InlineData("events:\n  - { at: 1ms, kind: node_crash, node: node2 }", 11, "events[0].kind", "not one of")]
    [InlineData("events:\n  - { at: 1ms, kind: node_down, node: node9 }", 11, "events[0].node", "not a node")]
    [InlineData("events:\n  - { at: 1ms, kind: node_down }", 11, "events[0].node", "required")]
    [InlineData("events:\n  - { at: 1ms, kind: node_down, node: node2, pod: x }", 11, "events[0].pod", "")]
    [InlineData("events:\n  - { at: 1ms, kind: link_up, node: node2 }", 11, "events[0].kind", "already up")]
    [InlineData("events:\n  - { at: 1ms, kind: node_down, node: node2 }\n  - { at: 2ms, kind: node_down, node: node2 }", 12, "events[1].kind", "already down")]
    [InlineData("control_plane: { node_monitor_grace_period: 0s }", 10, "control_plane.node_monitor_grace_period", "positive")]
    [InlineData("control_plane: { hold_time: 1s }", 10, "control_plane.hold_time", "")]
    public void Bad_events_name_file_line_and_field(string events, int line, string field, string problem)
    {
        var e = Bad(events);
        Assert.Equal("e.yaml", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_veth_pair_fabric_has_no_nic_to_take_down()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Base.Replace("nodes: { count: 3 }", "nodes: { count: 2 }\n  fabric: { type: veth-pair }", StringComparison.Ordinal)
            + "\nevents:\n  - { at: 1ms, kind: link_down, node: node2 }", "e.yaml"));
        Assert.Equal("events[0].kind", e.Field);
        Assert.Contains("veth pair", e.Message, StringComparison.Ordinal);
    }
}
