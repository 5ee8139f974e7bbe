using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// Failures in a routed leaf-spine fabric (eBGP, RFC 7938): an uplink cut is seen at once by both ends (loss of light),
/// the spine left without a way to the rack withdraws it and the other leaf hears it one BGP UPDATE (0.24 ms) later;
/// meanwhile what that leaf hashes to the spine for the rack is dropped there (NoRoute). Which flows suffer follows
/// from each leaf's 5-tuple hash, so the test predicts them from the hash alone (leaf N's seed is N - 1, its uplinks in
/// spine order): a flow whose path did not use the cut uplink or the withdrawing spine loses nothing.
/// </summary>
public class FabricFailureTests
{
    private const long Ms = 1_000_000_000;

    private static string Yaml(int spines, int rrFlows) => $$"""
        name: fabric
        seed: 3
        duration: 500ms
        cluster:
          nodes: { count: 4, racks: 2 }
          nic: { rate: 10Gbps }
          fabric: { type: leaf-spine, racks: 2, spines: {{spines}} }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: client, replicas: 2, placement: pinned, nodes: [node1, node2] }
          - { name: server, replicas: 2, placement: pinned, nodes: [node3, node4] }
        traffic:
        {{string.Concat(Enumerable.Range(1, rrFlows).Select(i => $"  - {{ name: rr{i}, kind: rr, from: pod:client-0, to: pod:server-1 }}\n"))}}
        """;

    private static RunResult Run(string yaml, params string[] sets) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "f.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    /// <summary>The spine (1-based) leaf <paramref name="leaf"/> hashes a packet from <paramref name="source"/> to <paramref name="destination"/> to, with every uplink live.</summary>
    private static int SpineOf(int leaf, int spines, string source, ushort sourcePort, string destination, ushort destinationPort) =>
        1 + (int)(EcmpHash.Compute(new FlowTuple(Ipv4Address.Parse(source), Ipv4Address.Parse(destination), Ipv4Header.ProtocolTcp, sourcePort, destinationPort), (uint)(leaf - 1)) % (uint)spines);

    private static int ReplySpine(FlowRecord f, int spines) => SpineOf(2, spines, f.DestinationAddress, f.DestinationPort, f.SourceAddress, f.SourcePort);

    [Theory]
    [InlineData(2, "modulo")]
    [InlineData(4, "resilient")]
    public void An_uplink_cut_costs_only_the_flows_hashed_onto_the_withdrawing_spine_an_rto(int spines, string ecmp)
    {
        var r = Run(Yaml(spines, 8) + """
            events:
              - { at: 100ms, kind: uplink_down, leaf: leaf1, spine: spine1 }
            """, $"cluster.fabric.ecmp={ecmp}");
        Assert.True(r.Holds, r.Conservation.ToString());
        var flows = r.Groups.Select(g => g.Flows.Single()).ToList();
        var hit = flows.Where(f => ReplySpine(f, spines) == 1).ToList();
        var spared = flows.Where(f => ReplySpine(f, spines) != 1).ToList();
        Assert.NotEmpty(hit);
        Assert.NotEmpty(spared);
        // A reply leaf2 sent to spine1 in the 0.24 ms before the withdrawal reached it died there; the client's request
        // times out once (RTO: rto_min 200 ms) and the retransmission takes the path leaf1 has left: gap = detection + RTO.
        foreach (var f in hit)
        {
            Assert.Equal(1, f.Timeouts);
            Assert.InRange(f.LongestGapPs, 200 * Ms, 201 * Ms);
        }
        // The others never used the cut link or the withdrawing spine (resilient hashing also kept their paths).
        Assert.All(spared, f => Assert.Equal(0, f.Timeouts));
        Assert.All(spared, f => Assert.True(f.LongestGapPs < Ms, $"flow {f.FlowId}: gap {f.LongestGapPs / 1e6} us"));
        // Each hit flow lost exactly its reply: at spine1 before the withdrawal (NoRoute) or, on its way back to leaf1,
        // on the cut link itself (LinkDown); nothing else was lost.
        Assert.Equal(hit.Count, r.Drops.Where(d => d.Reason is DropReason.NoRoute or DropReason.LinkDown).Sum(d => d.Packets));
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.NoRoute).Packets > 0);
        Assert.Equal(["uplink_down", "ecmp_rehash", "ecmp_rehash", "fabric_withdraw"], r.Timeline.Select(t => t.Kind));
        Assert.Equal(100_239_000_000L, r.Timeline[3].AtPs); // one BGP UPDATE (the profile's 0.239 ms) after the cut
    }

    [Fact]
    public void An_uplink_back_up_carries_flows_again_after_its_session_and_the_spine_is_relearned()
    {
        var r = Run(Yaml(2, 2) + """
            events:
              - { at: 100ms, kind: uplink_down, leaf: leaf1, spine: spine1 }
              - { at: 150ms, kind: uplink_up, leaf: leaf1, spine: spine1 }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        var t = r.Timeline.Select(e => (e.AtPs, e.Kind, e.Target)).ToList();
        // The session comes back one UPDATE hop (the profile's 0.239 ms) after the link, the spine's routes one more.
        Assert.Contains((150_239_000_000L, "ecmp_restore", "leaf1"), t);
        Assert.Contains((150_239_000_000L, "ecmp_restore", "spine1"), t);
        Assert.Contains((150_478_000_000L, "fabric_relearn", "spine1"), t);
    }

    [Fact]
    public void A_spine_port_shut_toward_a_leaf_is_that_uplink_cut()
    {
        var r = Run(Yaml(2, 2) + """
            events:
              - { at: 100ms, kind: switch_port_down, switch: spine1, port: leaf1 }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.Equal(["switch_port_down", "ecmp_rehash", "ecmp_rehash", "fabric_withdraw"], r.Timeline.Select(t => t.Kind));
        Assert.Equal(["spine1", "leaf1", "spine1", "spine1"], r.Timeline.Select(t => t.Target));
    }

    [Fact]
    public void A_spine_powered_off_and_on_moves_its_flows_at_once_and_costs_only_what_it_held()
    {
        var r = Run(Yaml(2, 8) + """
            events:
              - { at: 100ms, kind: switch_down, switch: spine2 }
              - { at: 150ms, kind: switch_up, switch: spine2 }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        // Both leaves see their ports to it go dark and stop using it at once: nothing is withdrawn, nothing dies at spine1.
        Assert.Equal(["switch_down", "ecmp_rehash", "ecmp_rehash", "switch_up", "ecmp_restore", "ecmp_restore", "ecmp_restore", "ecmp_restore"],
            r.Timeline.Select(t => t.Kind));
        Assert.DoesNotContain(r.Drops, d => d.Reason == DropReason.NoRoute);
        // Only a request or reply in spine2's buffers or on its cables was lost, each costing its connection one RTO.
        long lost = r.Drops.Where(d => d.Reason is DropReason.SwitchDown or DropReason.LinkDown).Sum(d => d.Packets);
        Assert.Equal(lost, r.Groups.Sum(g => g.Timeouts));
        Assert.All(r.Groups.SelectMany(g => g.Flows), f => Assert.True(f.LongestGapPs < 201 * Ms));
    }

    [Fact]
    public void A_node_port_shut_on_one_switch_is_a_link_down_the_connection_survives()
    {
        var r = Run("""
            name: port
            seed: 2
            duration: 1s
            cluster:
              nodes: { count: 2 }
            cni: { datapath: flannel-vxlan }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [node2] }
            traffic:
              - { name: rr, kind: rr, from: pod:client, to: pod:server }
            events:
              - { at: 100ms, kind: switch_port_down, switch: switch, port: node2 }
              - { at: 400ms, kind: switch_port_up, switch: switch, port: node2 }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        // As a pulled cable (LinkDownTests): the lost request's retransmissions at +200 ms (lost) and +600 ms (through).
        var f = r.Groups.Single().Flows.Single();
        Assert.InRange(f.LongestGapPs, 600 * Ms, 601 * Ms);
        Assert.Equal(2, f.Timeouts);
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.LinkDown).Packets >= 2);
        Assert.Equal(["switch_port_down", "switch_port_up"], r.Timeline.Select(t => t.Kind));
    }

    [Fact]
    public void The_only_leaf_of_two_nodes_powering_off_isolates_them_and_the_node_failure_path_takes_over()
    {
        var r = Run(Yaml(2, 2) + """
            events:
              - { at: 100ms, kind: switch_down, switch: leaf2 }
            control_plane: { node_monitor_grace_period: 50ms }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        // node3 and node4 hear nothing: NotReady 50 ms later; the spines lose rack 2 and withdraw it from leaf1.
        Assert.Contains(r.Timeline, e => e.Kind == "node_not_ready" && e.Target == "node3" && e.AtPs == 150 * Ms);
        Assert.Contains(r.Timeline, e => e.Kind == "node_not_ready" && e.Target == "node4" && e.AtPs == 150 * Ms);
        Assert.Contains(r.Timeline, e => e.Kind == "fabric_withdraw" && e.Target == "spine1");
        // Every request/response to node4 stops for good: its gap runs to the end of the run (retransmissions at 200 ms, then 400 ms later).
        foreach (var f in r.Groups.SelectMany(g => g.Flows))
        {
            Assert.True(f.LongestGapPs >= 399 * Ms, $"flow {f.FlowId}: gap {f.LongestGapPs / 1e6} us timeouts {f.Timeouts} {f.Source}->{f.Destination}");
            Assert.True(f.Timeouts >= 1, $"flow {f.FlowId}: {f.Timeouts} timeouts");
        }
        Assert.DoesNotContain(r.Drops, d => d.Reason == DropReason.NodeDown);
    }

    [Fact]
    public void Bulk_flows_hashed_onto_the_withdrawing_spine_lose_packets_and_recover_by_retransmission()
    {
        var r = Run(Yaml(2, 0) + """
              - { name: bulk, kind: bulk, from: pod:server-1, to: pod:client-0, streams: 4 }
            events:
              - { at: 100ms, kind: uplink_down, leaf: leaf1, spine: spine1 }
            """);
        Assert.True(r.Holds, r.Conservation.ToString());
        var streams = r.Groups.Single().Flows.Where(f => f.BytesSent > 0 && f.Source.Contains("server", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, streams.Count);
        var hit = streams.Where(f => SpineOf(2, 2, f.SourceAddress, f.SourcePort, f.DestinationAddress, f.DestinationPort) == 1).ToList();
        Assert.NotEmpty(hit);
        // 0.24 ms of the streams' share of 10 Gbit/s died at spine1 (a stream in recovery then may have sent nothing
        // there); retransmissions repair it and the streams go on. A stream leaf2 hashed to spine2 lost nothing to it.
        Assert.Contains(hit, f => f.Drops.GetValueOrDefault(DropReason.NoRoute) > 0);
        foreach (var f in streams)
        {
            long noRoute = f.Drops.GetValueOrDefault(DropReason.NoRoute);
            if (!hit.Contains(f)) Assert.Equal(0, noRoute);
            Assert.True(f.RetransmittedPackets >= f.Drops.Values.Sum(), $"flow {f.FlowId}: {f.RetransmittedPackets} retransmitted");
            Assert.True(f.LongestGapPs < 250 * Ms, $"flow {f.FlowId}: gap {f.LongestGapPs / 1e6} us");
        }
        Assert.Equal(hit.Sum(f => f.Drops.GetValueOrDefault(DropReason.NoRoute)), r.Drops.Single(d => d.Reason == DropReason.NoRoute).Packets);
        Assert.True(r.Groups.Single().Application.GoodputBitsPerSecond > 5e9);
    }
}
