using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// A UDP stream through a Service to a backend whose node dies keeps its conntrack entry (it is refreshed by every
/// datagram), so it would keep going to the dead backend forever; kube-proxy deletes UDP entries to removed endpoints
/// after its sync, and the stream is translated afresh to a live one. A TCP connection has no such rescue.
/// </summary>
public class UdpConntrackCleanupTests
{
    private const long Ms = 1_000_000_000;

    private const string Yaml = """
        name: udp-cleanup
        seed: 1
        duration: 200ms
        cluster:
          nodes: { count: 3 }
          nic: { rate: 10Gbps }
        cni: { datapath: flannel-vxlan }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: sink, replicas: 2, placement: pinned, nodes: [node2, node3], ports: [{ name: data, port: 9000, protocol: UDP }] }
        services:
          - { name: sink, selector: { app: sink }, ports: [{ port: 90, target_port: data, protocol: UDP }] }
        traffic:
          - { name: stream, kind: bulk, protocol: udp, rate: 10Mbps, from: pod:client, to: "service:sink:90" }
        events:
          - { at: 50ms, kind: node_down, node: NODE }
        control_plane: { node_monitor_grace_period: 40ms, kube_proxy_min_sync_period: 20ms }
        """;

    [Fact]
    public void The_stream_to_the_dead_backend_moves_to_a_live_one_right_after_the_sync()
    {
        // Find the node the stream's one flow was translated to: kill that one.
        var probe = Run("node2", "duration=40ms", "events[0].at=30ms");
        string node = probe.Elements.Where(e => e.Node is "node2" or "node3" && e.Packets > 0).GroupBy(e => e.Node)
            .OrderByDescending(g => g.Sum(e => e.Packets)).First().Key;
        var r = Run(node);
        Assert.True(r.Holds, r.Conservation.ToString());
        var sync = r.Timeline.Single(t => t.Kind == "kube_proxy_sync");
        Assert.Equal(90 * Ms, r.ProxySyncs.Single().StartPs); // NotReady at 90 ms; the sync starts then and ends after its iptables-restore
        Assert.Equal(r.ProxySyncs.Single().EndPs, sync.AtPs);
        Assert.Contains("UDP conntrack entries to removed endpoints deleted", sync.What, StringComparison.Ordinal);
        // Delivery stops at 50 ms and resumes at the first datagram after the sync (every 1.2 ms at 10 Mbit/s).
        long gap = r.Groups.Single().Flows.Max(f => f.LongestGapPs);
        Assert.InRange(gap, sync.AtPs - 50 * Ms, sync.AtPs - 50 * Ms + 3 * Ms); // from the last datagram before 50 ms to the first after the sync
    }

    private static RunResult Run(string node, params string[] sets) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml.Replace("NODE", node, StringComparison.Ordinal), "u.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);
}
