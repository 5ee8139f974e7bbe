using NetSim.Engine.Diagnostics;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// How the fabric finds a failure: loss of light after the link debounce (0 by default), and a spine that hangs with
/// its ports lit only by BFD (3 x 300 ms by FRR's defaults, when configured) or by the BGP hold timer (9 s, FRR's
/// datacenter defaults). Until then what the leaves hash to the hung spine is lost there (SwitchHung).
/// </summary>
public class FabricDetectionTests
{
    private const long Ms = 1_000_000_000;

    private static string Yaml(string duration, string fabricExtra, string events, int flows = 4) => $$"""
        name: fabric-detect
        seed: 3
        duration: {{duration}}
        cluster:
          nodes: { count: 4, racks: 2 }
          nic: { rate: 10Gbps }
          fabric: { type: leaf-spine, racks: 2, spines: 2{{fabricExtra}} }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: client, replicas: 2, placement: pinned, nodes: [node1, node2] }
          - { name: server, replicas: 2, placement: pinned, nodes: [node3, node4] }
        traffic:
        {{string.Concat(Enumerable.Range(1, flows).Select(i => $"  - {{ name: rr{i}, kind: rr, from: pod:client-0, to: pod:server-1 }}\n"))}}
        events:
        {{events}}
        """;

    private static RunResult Run(string yaml) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "f.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    private static List<long> RehashTimes(RunResult r) => r.Timeline.Where(t => t.Kind == "ecmp_rehash").Select(t => t.AtPs).ToList();

    [Fact]
    public void A_hung_spine_is_found_by_bfd_after_its_detection_time_and_traffic_hashed_to_it_is_lost_until_then()
    {
        var r = Run(Yaml("1100ms", ", bfd: true", "  - { at: 100ms, kind: switch_hang, switch: spine1 }"));
        Assert.True(r.Holds, r.Conservation.ToString());
        // Both leaves' sessions to spine1 time out together, 3 x 300 ms after the hang.
        Assert.Equal([1000 * Ms, 1000 * Ms], RehashTimes(r));
        Assert.All(r.Timeline.Where(t => t.Kind == "ecmp_rehash"), t => Assert.Contains("BFD", t.What, StringComparison.Ordinal));
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.SwitchHung).Packets > 0);
        Assert.DoesNotContain(r.Drops, d => d.Reason is DropReason.LinkDown or DropReason.SwitchDown);
    }

    [Fact]
    public void Without_bfd_the_bgp_hold_timer_finds_it_and_a_resume_brings_the_sessions_back_one_update_later()
    {
        var r = Run(Yaml("3400ms", ", bgp_hold_time: 3s", """
              - { at: 100ms, kind: switch_hang, switch: spine1 }
              - { at: 3200ms, kind: switch_resume, switch: spine1 }
            """, flows: 2));
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.Equal([3100 * Ms, 3100 * Ms], RehashTimes(r));
        Assert.All(r.Timeline.Where(t => t.Kind == "ecmp_rehash"), t => Assert.Contains("hold timer", t.What, StringComparison.Ordinal));
        // The sessions are established again and the routes exchanged one UPDATE (the profile's 0.239 ms) after the resume.
        Assert.Equal([3200 * Ms + 239_000_000L, 3200 * Ms + 239_000_000L], r.Timeline.Where(t => t.Kind == "ecmp_restore").Select(t => t.AtPs));
    }

    [Fact]
    public void A_spine_that_resumes_before_detection_changes_no_route()
    {
        var r = Run(Yaml("600ms", ", bfd: true", """
              - { at: 100ms, kind: switch_hang, switch: spine1 }
              - { at: 500ms, kind: switch_resume, switch: spine1 }
            """, flows: 2));
        Assert.Empty(RehashTimes(r));
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "ecmp_restore");
    }

    [Fact]
    public void A_second_hang_is_timed_from_its_own_start()
    {
        var r = Run(Yaml("1800ms", ", bfd: true", """
              - { at: 100ms, kind: switch_hang, switch: spine1 }
              - { at: 500ms, kind: switch_resume, switch: spine1 }
              - { at: 800ms, kind: switch_hang, switch: spine1 }
            """, flows: 2));
        Assert.Equal([1700 * Ms, 1700 * Ms], RehashTimes(r));
    }

    [Fact]
    public void With_a_link_debounce_the_leaf_acts_on_loss_of_light_only_when_it_lasts_longer()
    {
        var lasting = Run(Yaml("300ms", ", link_debounce: 50ms", "  - { at: 100ms, kind: uplink_down, leaf: leaf1, spine: spine1 }"));
        Assert.Equal([150 * Ms, 150 * Ms], RehashTimes(lasting));
        Assert.Contains("link debounce", lasting.Timeline.First(t => t.Kind == "ecmp_rehash").What, StringComparison.Ordinal);

        var flap = Run(Yaml("300ms", ", link_debounce: 50ms", """
              - { at: 100ms, kind: uplink_down, leaf: leaf1, spine: spine1 }
              - { at: 120ms, kind: uplink_up, leaf: leaf1, spine: spine1 }
            """));
        Assert.Empty(RehashTimes(flap));
        Assert.DoesNotContain(flap.Timeline, t => t.Kind is "ecmp_restore" or "fabric_withdraw");
        // Frames sent into the dark link in the meantime are still lost.
        Assert.True(flap.Holds, flap.Conservation.ToString());
    }

    [Theory]
    [InlineData("cluster.fabric.type=single-switch", "cluster.fabric.bfd=true", "bfd")]
    [InlineData("cluster.fabric.bfd=false", "cluster.fabric.bfd_interval=100ms", "bfd_interval")]
    [InlineData("cluster.fabric.bfd=false", "cluster.fabric.bgp_hold_time=2s", "bgp_hold_time")]
    [InlineData("cluster.fabric.bfd=true", "cluster.fabric.bfd_multiplier=0", "bfd_multiplier")]
    public void Bad_fabric_detection_fields_are_rejected_naming_the_field(string first, string second, string field)
    {
        var ex = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml("10ms", "", "  - { at: 1ms, kind: uplink_down, leaf: leaf1, spine: spine1 }"), "x.yaml", [first, second]));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - { at: 1ms, kind: switch_hang, switch: leaf1 }", "a spine")]
    [InlineData("  - { at: 1ms, kind: switch_resume, switch: spine1 }", "not hung")]
    [InlineData("  - { at: 1ms, kind: switch_hang, switch: spine1 }\n  - { at: 2ms, kind: switch_hang, switch: spine1 }", "already hung")]
    public void Bad_hang_events_are_rejected(string events, string message)
    {
        var ex = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml("10ms", "", events), "x.yaml"));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_detection_fields_and_hang_events_are_written_back_and_load_again_equal()
    {
        var original = ScenarioLoader.Parse(Yaml("10s", ", link_debounce: 100ms, bgp_hold_time: 30s, bfd: true, bfd_interval: 50ms, bfd_multiplier: 5", """
              - { at: 1s, kind: switch_hang, switch: spine2 }
              - { at: 2s, kind: switch_resume, switch: spine2 }
            """), "in.yaml");
        string written = ScenarioWriter.Write(original);
        var f = ScenarioLoader.Parse(written, "out.yaml").Cluster.Fabric;
        Assert.Equal(original.Cluster.Fabric, f);
        Assert.Equal(Engine.Core.SimTime.FromMilliseconds(250), f.SilentPeerDetection);
        Assert.Contains("switch_hang", written, StringComparison.Ordinal);
        Assert.Equal(original.Events.Select(e => (e.At, e.Kind, e.Target)), ScenarioLoader.Parse(written, "out.yaml").Events.Select(e => (e.At, e.Kind, e.Target)));
        // Defaults are left out, as the other fabric options are.
        Assert.DoesNotContain("bfd", ScenarioWriter.Write(ScenarioLoader.Parse(Yaml("10ms", "", "  - { at: 1ms, kind: switch_hang, switch: spine1 }"), "d.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_power_cycle_clears_a_hang()
    {
        var r = Run(Yaml("1300ms", ", bfd: true", """
              - { at: 100ms, kind: switch_hang, switch: spine1 }
              - { at: 1100ms, kind: switch_down, switch: spine1 }
              - { at: 1200ms, kind: switch_up, switch: spine1 }
            """, flows: 2));
        Assert.True(r.Holds, r.Conservation.ToString());
        // Found hung at 1 s; the power-off changes no route again; its light back brings the sessions back.
        Assert.Equal([1000 * Ms, 1000 * Ms], RehashTimes(r));
        Assert.Equal(["leaf1", "leaf2"], r.Timeline.Where(t => t.Kind == "ecmp_restore" && t.Target.StartsWith("leaf", StringComparison.Ordinal)).Select(t => t.Target).Order());
    }
}
