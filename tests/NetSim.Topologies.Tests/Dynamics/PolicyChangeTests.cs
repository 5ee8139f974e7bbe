using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Dynamics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// NetworkPolicy created and deleted while traffic flows: each node's agent programs it after its own delay (Felix: its
/// apply throttle, then iptables-restore of the chains that changed; eBPF dataplanes: regeneration and map writes); new connections are then denied while
/// an established one keeps flowing (conntrack: Felix accepts ESTABLISHED first, bpf_lxc checks policy only on a new CT
/// entry). Pods that start and stop with policies get and lose their chains, ipset members and policy map entries.
/// </summary>
public class PolicyChangeTests
{
    private const long Ms = 1_000_000_000;

    private const string DenyWeb = """
        network_policies:
          - { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: deny-web, namespace: default }, spec: { podSelector: { matchLabels: { app: web } }, policyTypes: [Ingress] } }

        """;

    private const string Yaml = WebBehindService.Yaml + "  - { name: sticky, kind: rr, from: pod:client, to: pod:web-0 }\n" + DenyWeb + """
        events:
          - { at: 50ms, kind: policy_add, policy: deny-web }
          - { at: 200ms, kind: policy_remove, policy: deny-web }

        """;

    private static RunResult Run(string yaml, string datapath, RunOptions? options = null) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "p.yaml", [$"cni.datapath={datapath}"]), ClusterSimulationTests.Profile(), null, options ?? RunOptions.Default);

    [Theory]
    [InlineData("calico-bgp")]
    [InlineData("calico-ebpf")]
    [InlineData("cilium-vxlan")]
    public void A_new_deny_blocks_new_connections_after_the_agent_wrote_it_and_spares_established_ones(string datapath)
    {
        var r = Run(Yaml, datapath);
        Assert.True(r.Holds, r.Conservation.ToString());
        var writes = r.Timeline.Where(t => t.Kind == "policy_programmed").ToList();
        var added = writes.Where(t => t.AtPs < 200 * Ms).ToList();
        var removed = writes.Where(t => t.AtPs >= 200 * Ms).ToList();
        Assert.Equal(3, added.Count);   // every node's agent, each after its own delay and writes
        Assert.Equal(3, removed.Count);
        Assert.All(added, t => Assert.InRange(t.AtPs, 50 * Ms, 200 * Ms));
        long denyFrom = added.Max(t => t.AtPs), allowFrom = removed.Max(t => t.AtPs);
        var open = r.Groups.Single(g => g.Name == "open").Flows;
        // Opened while every agent had the deny: none answered (their SYNs are dropped as PolicyDenied).
        var during = open.Where(f => f.StartPs > denyFrom && f.StartPs < 200 * Ms).ToList();
        Assert.True(during.Count > 100, $"{during.Count} connections in the deny window");
        Assert.All(during, f => Assert.True(f.Unanswered, $"flow {f.FlowId} at {f.StartPs} answered"));
        // Before the policy existed, and after every agent removed it, connections are answered.
        Assert.DoesNotContain(open, f => f.Unanswered && f.StartPs < 50 * Ms);
        Assert.DoesNotContain(open, f => f.Unanswered && f.StartPs > allowFrom);
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.PolicyDenied).Packets >= during.Count);
        // The established request/response connection never stops: conntrack lets it through the new deny.
        Assert.All(r.Groups.Single(g => g.Name == "sticky").Flows, f => Assert.InRange(f.LongestGapPs, 1, Ms));
    }

    [Fact]
    public void Felix_writes_at_once_and_only_the_chains_that_changed()
    {
        var r = Run(Yaml, "calico-bgp");
        var added = r.Timeline.Where(t => t.Kind == "policy_programmed" && t.AtPs < 200 * Ms).ToDictionary(t => t.Target);
        var restore = ClusterSimulationTests.Profile();
        long Fixed = restore.DelayPs(Engine.Costs.DelayKeys.IptablesRestoreFixed), perLine = restore.DelayPs(Engine.Costs.DelayKeys.IptablesRestorePerRule);
        // node1 has no web pod: no chain changes, so Felix runs no iptables-restore and its (full) throttle adds no wait.
        Assert.Equal(0, Lines(added["node1"].What));
        Assert.Equal(50 * Ms, added["node1"].AtPs);
        foreach (var node in new[] { "node2", "node3" })
        {
            // A web pod's cali-tw- chain and the policy's chain are rewritten: a few lines, far fewer than Felix's rules there.
            int lines = Lines(added[node].What);
            Assert.InRange(lines, 2, Sizes(added[node].What).Before / 2);
            // Written when one iptables-restore of those lines ends (the fixed cost plus per line; slices may add a little).
            long restoreEnds = 50 * Ms + Fixed + perLine * lines;
            Assert.InRange(added[node].AtPs, restoreEnds, restoreEnds + Ms);
        }
    }

    [Fact]
    public void Felix_apply_throttle_lets_ten_applies_through_then_one_per_interval()
    {
        var interval = Engine.Core.SimTime.FromMilliseconds(100);
        var throttle = new FelixApplyThrottle(interval);
        var at = Engine.Core.SimTime.FromMilliseconds(5);
        for (int i = 0; i < FelixApplyThrottle.Bucket; i++) Assert.Equal(at, throttle.Admit(at));
        Assert.Equal(interval, throttle.Admit(at));          // the bucket is empty: the next tick's token
        Assert.Equal(interval * 2, throttle.Admit(at));      // and the one after
        // A second later eight ticks have refilled eight tokens (ticks 3..10), not more.
        var later = Engine.Core.SimTime.FromMilliseconds(1000);
        for (int i = 0; i < 8; i++) Assert.Equal(later, throttle.Admit(later));
        Assert.Equal(Engine.Core.SimTime.FromMilliseconds(1100), throttle.Admit(later));
    }

    private static int Lines(string what)
    {
        var m = System.Text.RegularExpressions.Regex.Match(what, @"(\d+) iptables-restore lines");
        Assert.True(m.Success, what);
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string Scaling = WebBehindService.Yaml + """
        network_policies:
          - { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: web-from-client, namespace: default }, spec: { podSelector: { matchLabels: { app: web } }, policyTypes: [Ingress], ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }] }] } }
        events:
          - { at: 20ms, kind: scale, workload: web, replicas: 4, readiness_delay: 0s }
          - { at: 1800ms, kind: scale, workload: web, replicas: 2 }
        control_plane: { kube_proxy_min_sync_period: 10ms }

        """;

    [Theory]
    [InlineData("calico-bgp", true)]
    [InlineData("cilium-vxlan", true)]
    [InlineData("calico-bgp", false)]
    public void New_pods_get_their_policy_state_and_deleted_ones_give_it_back(string datapath, bool withPolicy)
    {
        var before = new Dictionary<string, int>();
        var after = new Dictionary<string, int>();
        var options = RunOptions.Default with
        {
            BeforeRun = c => { foreach (var n in c.Nodes) before[n.Name] = c.Network.PolicyStateSize(n); },
            AfterRun = c => { foreach (var n in c.Nodes) after[n.Name] = c.Network.PolicyStateSize(n); },
        };
        var profile = ClusterSimulationTests.Profile();
        // Long enough for the new pods' start path (the profile's 1.6 s); fewer connections to keep it quick.
        // Without policies Felix still writes a new workload's cali-fw-/cali-tw- chains and removes them at CNI DEL.
        string yaml = Scaling.Replace("mean_interarrival: 250us", "mean_interarrival: 2ms", StringComparison.Ordinal);
        if (!withPolicy) yaml = string.Join('\n', yaml.Split('\n').Where(l => !l.Contains("NetworkPolicy", StringComparison.Ordinal) && !l.StartsWith("network_policies", StringComparison.Ordinal)));
        var s = ScenarioLoader.Parse(yaml, "s.yaml", [$"cni.datapath={datapath}", "duration=2s"]);
        var r = new ClusterSimulation().Run(s, profile, null, options);
        Assert.True(r.Holds, r.Conservation.ToString());
        // While four web pods run, the nodes hosting the new ones have more (their chains, or their maps' entries) ...
        if (withPolicy)
        {
            var grown = r.Timeline.Where(t => t.Kind == "policy_programmed" && t.AtPs < 1800 * Ms).Select(t => t.What).ToList();
            Assert.Contains(grown, w => Sizes(w).After > Sizes(w).Before);
        }
        else
        {
            // The removals alone are written (the new pods' chains came with their endpoint): each node that lost a pod shrinks.
            var shrunk = r.Timeline.Where(t => t.Kind == "policy_programmed").Select(t => Sizes(t.What)).ToList();
            Assert.Equal(2, shrunk.Count);
            Assert.All(shrunk, z => Assert.True(z.After < z.Before, $"{z.Before} -> {z.After}"));
        }
        // ... and once the scale-down's pods are gone (CNI DEL), the agents removed theirs: every node is back where it started.
        Assert.Equal(before, after);
        Assert.True(r.Timeline.Count(t => t.Kind == "cni_del") == 2);
        // The new pods serve the client (the policy allows it): no connection opened after the first new pod was Ready goes unanswered.
        var ready = r.Timeline.First(t => t.Kind == "pod_ready").AtPs;
        Assert.DoesNotContain(r.Groups.Single().Flows, f => f.Unanswered && f.StartPs > ready && f.StartPs < 1800 * Ms);
    }

    private static (int Before, int After) Sizes(string what)
    {
        var tail = what[(what.LastIndexOf(':') + 1)..].Trim().Split(' ');
        return (int.Parse(tail[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(tail[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
