using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// A link that loses carrier for less than TCP gives up (tcp_retries2) is survived: Linux retransmits the lost
/// segment on its RTO, doubling it each time (rto_min 200 ms), and the first retransmission after the carrier
/// returns gets through. The routes stay (ignore_routes_with_linkdown=0) and nothing resets the connection.
/// </summary>
public class LinkDownTests
{
    private const string Yaml = """
        name: link-down
        seed: 2
        duration: 1s
        cluster:
          nodes: { count: 2 }
          nic: { rate: 10Gbps }
        cni: { datapath: flannel-vxlan }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        events:
          - { at: 100ms, kind: link_down, node: node2 }
          - { at: 400ms, kind: link_up, node: node2 }
        """;

    [Theory]
    [InlineData("host")]
    [InlineData("flannel-vxlan")]
    [InlineData("calico-bgp")]
    [InlineData("cilium-ebpf")]
    public void A_short_outage_is_bridged_by_rto_backoff_and_the_connection_resumes(string datapath)
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "l.yaml", [$"cni.datapath={datapath}"]), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        var rr = r.Groups.Single();
        // The request in flight at 100 ms is lost; its retransmissions go at +200 ms (lost, carrier still down) and
        // +600 ms (200 + 400, backed off): delivered. So the longest gap is 600 ms plus at most a round trip.
        long gap = rr.Flows.Max(f => f.LongestGapPs);
        Assert.InRange(gap, 600_000_000_000L, 601_000_000_000L);
        Assert.Equal(2, rr.Timeouts);
        Assert.Single(rr.Flows); // one connection throughout: never reset, never re-opened
        Assert.All(rr.Flows, f => Assert.True(f.EndPs >= r.MeasuredToPs, "the connection stays open"));
        // After the gap the exchange runs again to the end of the run (the last delivery is recent).
        Assert.True(rr.Application.Transactions > 10_000, $"{rr.Application.Transactions} transactions");
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.LinkDown).Packets >= 2);
        Assert.DoesNotContain(r.Drops, d => d.Reason is DropReason.NoRoute or DropReason.NodeDown);
        Assert.Equal(["link_down", "link_up"], r.Timeline.Select(t => t.Kind));
        Assert.Equal(100_000_000_000L, r.Timeline[0].AtPs);
    }

    [Fact]
    public void An_outage_shorter_than_the_grace_period_leaves_endpoints_and_routes_alone()
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "l.yaml", ["cni.datapath=calico-bgp", "duration=500ms"]), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.DoesNotContain(r.Timeline, t => t.Kind is "node_not_ready" or "bgp_withdraw" or "kube_proxy_sync");
    }
}
