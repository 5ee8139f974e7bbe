using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.LoadBalancers;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.LoadBalancers;

/// <summary>
/// MetalLB layer 2 failover: when the node answering ARP for a LoadBalancer address goes silent, memberlist (probe
/// interval 1 s, suspicion timeout 4 s up to ten members) declares it dead 5 s later, the next node in SHA-256 order
/// takes the address and its gratuitous ARP moves the gateway's route; until then what the gateway sends is lost at
/// the silent node. It takes the address back at the speakers' next join tick (every 60 s) after it is back.
/// </summary>
public class MetalLbFailoverTests
{
    private const long S = 1_000_000_000_000;
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("198.18.0.0");
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    private static string Scenario(string duration, string events) => $$"""
        name: lb-failover
        seed: 1
        duration: {{duration}}
        warmup: 0ms
        cluster:
          nodes: { count: 3, cores: 2 }
          external_network: 203.0.113.0/24
          load_balancer: metallb-l2
        cni: { datapath: flannel-vxlan }
        workloads:
          - { name: api, replicas: 3, placement: pinned, nodes: [node1, node2, node3], ports: [{ port: 8080 }] }
        services:
          - { name: api, type: LoadBalancer, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }] }
        traffic:
          - { name: in, kind: rr, from: external:web, to: lb:api }
        events:
        {{events}}
        """;

    private static RunResult Run(string yaml) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "lb.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    [Fact]
    public void Memberlist_declares_a_silent_member_dead_after_one_probe_interval_and_the_scaled_suspicion_timeout()
    {
        var timers = new MemberlistTimers(SimTime.FromSeconds(1), SimTime.FromSeconds(4), SimTime.FromSeconds(60));
        Assert.Equal(SimTime.FromSeconds(5), MetalLbL2Failover.DetectionTime(timers, 3));
        Assert.Equal(SimTime.FromSeconds(5), MetalLbL2Failover.DetectionTime(timers, 10));
        Assert.Equal(SimTime.FromSeconds(9), MetalLbL2Failover.DetectionTime(timers, 100)); // 4 s x log10(100)
    }

    [Fact]
    public void When_the_speaker_powers_off_the_next_node_by_sha256_takes_the_address_after_memberlist_detects_it()
    {
        string speaker = MetalLbL2Election.Speaker(Nodes, Vip)!;
        string next = MetalLbL2Election.Speaker(Nodes.Where(n => n != speaker), Vip)!;
        var r = Run(Scenario("5100ms", $"  - {{ at: 10ms, kind: node_down, node: {speaker} }}"));
        Assert.True(r.Holds, r.Conservation.ToString());
        var failover = Assert.Single(r.Timeline, t => t.Kind == "metallb_failover");
        Assert.Equal(10_000_000_000L + 5 * S, failover.AtPs);
        Assert.Equal(Vip.ToString(), failover.Target);
        Assert.Contains($"{next} is elected", failover.What, StringComparison.Ordinal);
        Assert.Contains($"moves from {speaker}", failover.What, StringComparison.Ordinal);
        // Meanwhile the client's requests went to the silent node and were lost there.
        Assert.True(r.Drops.Where(d => d.Reason == DropReason.NodeDown).Sum(d => d.Packets) > 0);
    }

    [Fact]
    public void A_node_back_before_detection_keeps_its_address_and_one_back_after_it_takes_it_back_at_the_next_join_tick()
    {
        string speaker = MetalLbL2Election.Speaker(Nodes, Vip)!;
        var brief = Run(Scenario("5100ms", $$"""
              - { at: 10ms, kind: link_down, node: {{speaker}} }
              - { at: 3s, kind: link_up, node: {{speaker}} }
            """));
        Assert.DoesNotContain(brief.Timeline, t => t.Kind.StartsWith("metallb", StringComparison.Ordinal));

        var r = Run(Scenario("61s", $$"""
              - { at: 10ms, kind: link_down, node: {{speaker}} }
              - { at: 6s, kind: link_up, node: {{speaker}} }
            """));
        Assert.Equal(["metallb_failover", "metallb_failback"], r.Timeline.Where(t => t.Kind.StartsWith("metallb", StringComparison.Ordinal)).Select(t => t.Kind));
        var back = r.Timeline.Single(t => t.Kind == "metallb_failback");
        Assert.Equal(60 * S, back.AtPs);
        Assert.Contains($"{speaker} is elected", back.What, StringComparison.Ordinal);
    }
}
