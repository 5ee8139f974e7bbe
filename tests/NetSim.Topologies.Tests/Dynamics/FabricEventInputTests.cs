using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// The fabric's events are read like every other: each names a switch (and a port or an uplink) the fabric has, and
/// one that does not apply to the fabric (an uplink on one switch, any switch on a veth pair) is refused naming file,
/// line and field.
/// </summary>
public class FabricEventInputTests
{
    private const string LeafSpine = """
        name: fabric-events
        duration: 100ms
        cluster:
          nodes: { count: 4, racks: 2 }
          fabric: { type: leaf-spine, racks: 2, spines: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node4] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private static Scenario Parse(string events, string yaml = LeafSpine) => ScenarioLoader.Parse(yaml + "\n" + events, "f.yaml");

    [Fact]
    public void Fabric_events_are_read_with_what_they_act_on_and_written_back()
    {
        var s = Parse("""
            events:
              - { at: 10ms, kind: uplink_down, leaf: leaf1, spine: spine2 }
              - { at: 20ms, kind: switch_port_down, switch: leaf2, port: node3 }
              - { at: 30ms, kind: switch_port_down, switch: spine1, port: leaf1 }
              - { at: 40ms, kind: switch_down, switch: spine2 }
              - { at: 50ms, kind: switch_up, switch: spine2 }
              - { at: 60ms, kind: uplink_up, leaf: leaf1, spine: spine2 }
            """);
        Assert.Equal([(ClusterEvent.UplinkDown, "leaf1", "spine2"), (ClusterEvent.SwitchPortDown, "leaf2", "node3"), (ClusterEvent.SwitchPortDown, "spine1", "leaf1"),
            (ClusterEvent.SwitchDown, "spine2", ""), (ClusterEvent.SwitchUp, "spine2", ""), (ClusterEvent.UplinkUp, "leaf1", "spine2")],
            s.Events.Select(e => (e.Kind, e.Target, e.Peer)));
        Assert.All(s.Events, e => Assert.True(e.OnFabric));
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
        Assert.Equal(s.Events.Select(e => (e.At, e.Kind, e.Target, e.Peer)), again.Events.Select(e => (e.At, e.Kind, e.Target, e.Peer)));
    }

    [Fact]
    public void The_hashing_is_read_checked_and_written_back()
    {
        var s = ScenarioLoader.Parse(LeafSpine.Replace("spines: 2 }", "spines: 2, ecmp: resilient, ecmp_buckets: 256 }", StringComparison.Ordinal), "f.yaml");
        Assert.Equal(FabricSpec.EcmpResilient, s.Cluster.Fabric.Ecmp);
        Assert.Equal(256, s.Cluster.Fabric.EcmpBuckets);
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
        Assert.Equal((FabricSpec.EcmpResilient, 256), (again.Cluster.Fabric.Ecmp, again.Cluster.Fabric.EcmpBuckets));
        Assert.Equal(FabricSpec.EcmpModulo, ScenarioLoader.Parse(LeafSpine, "f.yaml").Cluster.Fabric.Ecmp);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(LeafSpine.Replace("spines: 2 }", "spines: 2, ecmp_buckets: 100 }", StringComparison.Ordinal), "f.yaml"));
        Assert.Equal(("f.yaml", 5, "cluster.fabric.ecmp_buckets"), (e.File, e.Line, e.Field));
        e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(LeafSpine.Replace("spines: 2 }", "spines: 2, ecmp: random }", StringComparison.Ordinal), "f.yaml"));
        Assert.Equal("cluster.fabric.ecmp", e.Field);
    }

    [Theory]
    [InlineData("- { at: 1ms, kind: uplink_down, leaf: leaf3, spine: spine1 }", "events[0].leaf", "not a leaf")]
    [InlineData("- { at: 1ms, kind: uplink_down, leaf: spine1, spine: spine1 }", "events[0].leaf", "not a leaf")]
    [InlineData("- { at: 1ms, kind: uplink_down, leaf: leaf1 }", "events[0].spine", "required")]
    [InlineData("- { at: 1ms, kind: uplink_down, leaf: leaf1, spine: spine2, node: node1 }", "events[0].node", "")]
    [InlineData("- { at: 1ms, kind: switch_port_down, switch: leaf1, port: node4 }", "events[0].port", "no port cabled to 'node4'")]
    [InlineData("- { at: 1ms, kind: switch_port_down, switch: spine1, port: node1 }", "events[0].port", "no port cabled")]
    [InlineData("- { at: 1ms, kind: switch_port_down, switch: leaf1 }", "events[0].port", "required")]
    [InlineData("- { at: 1ms, kind: switch_port_up, switch: leaf1, port: spine1 }", "events[0].kind", "already up")]
    [InlineData("- { at: 1ms, kind: switch_down, switch: switch }", "events[0].switch", "not a switch")]
    [InlineData("- { at: 1ms, kind: switch_down }", "events[0].switch", "required")]
    [InlineData("- { at: 1ms, kind: switch_down, switch: spine1 }\n  - { at: 2ms, kind: switch_down, switch: spine1 }", "events[1].kind", "already down")]
    [InlineData("- { at: 1ms, kind: uplink_up, leaf: leaf1, spine: spine1 }", "events[0].kind", "already up")]
    public void Bad_fabric_events_name_file_line_and_field(string events, string field, string problem)
    {
        var e = Assert.Throws<InputException>(() => Parse("events:\n  " + events));
        Assert.Equal("f.yaml", e.File);
        Assert.Equal(field == "events[1].kind" ? 13 : 12, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_switch_has_ports_to_its_nodes_but_no_uplinks_and_a_veth_pair_no_switch()
    {
        string single = LeafSpine.Replace("  fabric: { type: leaf-spine, racks: 2, spines: 2 }\n", "", StringComparison.Ordinal);
        var s = Parse("events:\n  - { at: 1ms, kind: switch_port_down, switch: switch, port: node4 }\n  - { at: 2ms, kind: switch_down, switch: switch }", single);
        Assert.Equal(2, s.Events.Count);
        var e = Assert.Throws<InputException>(() => Parse("events:\n  - { at: 1ms, kind: uplink_down, leaf: leaf1, spine: spine1 }", single));
        Assert.Equal("events[0].kind", e.Field);
        Assert.Contains("needs a leaf-spine fabric", e.Message, StringComparison.Ordinal);
        string veth = single.Replace("nodes: { count: 4, racks: 2 }", "nodes: { count: 2 }\n  shared_cpu: true\n  fabric: { type: veth-pair }", StringComparison.Ordinal)
            .Replace("node4", "node2", StringComparison.Ordinal);
        e = Assert.Throws<InputException>(() => Parse("events:\n  - { at: 1ms, kind: switch_down, switch: switch }", veth));
        Assert.Equal("events[0].kind", e.Field);
        Assert.Contains("needs a switch", e.Message, StringComparison.Ordinal);
    }
}
