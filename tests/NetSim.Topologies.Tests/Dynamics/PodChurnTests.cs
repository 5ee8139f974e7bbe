using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// Pods that come and go while a client opens connections to their Service: a deleted pod leaves the Service at
/// the proxies' next sync (connections DNATed to it before then go unanswered: its netns is gone), its IP goes back to
/// the IPAM and is not handed to the replacement; new pods serve only after the start path, readiness and a sync.
/// </summary>
public class PodChurnTests
{
    private const long Ms = 1_000_000_000;

    private const string Yaml = WebBehindService.Yaml + """
        events:
          - EVENT
        control_plane: { kube_proxy_min_sync_period: 40ms }
        """;

    /// <summary>The default profile with a pod start path short enough for a 300 ms run (scheduling and sandbox 10 ms, CNI ADD 1 ms, agent 2 ms, container 5 ms).</summary>
    internal static CostProfile Profile() => ClusterSimulationTests.Profile().WithDelays(new Dictionary<string, long>
    {
        [DelayKeys.PodScheduling.Name] = 0,
        [DelayKeys.PodSandboxStart.Name] = 10 * Ms,
        [DelayKeys.CniAdd.Name] = 1 * Ms,
        [DelayKeys.FelixEndpointProgramming.Name] = 2 * Ms,
        [DelayKeys.BpfEndpointRegeneration.Name] = 2 * Ms,
        [DelayKeys.ContainerStart.Name] = 5 * Ms,
    });

    private static (RunResult Result, List<BuiltPod> Before, List<BuiltPod> After) Run(string evt, params string[] sets)
    {
        List<BuiltPod> before = [], after = [];
        var options = RunOptions.Default with { BeforeRun = c => before = [.. c.Pods], AfterRun = c => after = [.. c.Pods] };
        var s = ScenarioLoader.Parse(Yaml.Replace("EVENT", evt, StringComparison.Ordinal), "p.yaml", sets);
        return (new ClusterSimulation().Run(s, Profile(), null, options), before, after);
    }

    private static long At(RunResult r, string kind, string? target = null) =>
        (r.Timeline.FirstOrDefault(t => t.Kind == kind && (target is null || t.Target == target))
            ?? throw new InvalidOperationException($"no {kind} {target} in: {string.Join(" | ", r.Timeline.Select(t => $"{t.AtPs / Ms} {t.Kind} {t.Target}: {t.What}"))}")).AtPs;

    [Theory]
    [InlineData("calico-bgp", 3)]     // Felix's iptables dataplane: control.felix_endpoint_programming
    [InlineData("cilium-vxlan", 7)]   // an eBPF agent loads the endpoint's programs: control.bpf_endpoint_regeneration
    [InlineData("flannel-vxlan", 0)]  // no agent: the CNI plugin wired the pod, nothing more to program
    public void Each_agent_programs_a_new_endpoint_after_its_own_delay(string datapath, long afterCniAddMs)
    {
        var profile = Profile().WithDelays(new Dictionary<string, long>
        {
            [DelayKeys.FelixEndpointProgramming.Name] = 3 * Ms,
            [DelayKeys.BpfEndpointRegeneration.Name] = 7 * Ms,
        });
        var s = ScenarioLoader.Parse(Yaml.Replace("EVENT", "{ at: 20ms, kind: scale, workload: web, replicas: 3 }", StringComparison.Ordinal), "p.yaml", [$"cni.datapath={datapath}"]);
        var r = new ClusterSimulation().Run(s, profile, null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.Equal(At(r, "cni_add", "web-2") + afterCniAddMs * Ms, At(r, "agent_programmed", "web-2"));
    }

    [Theory]
    [InlineData("calico-bgp", true)]
    [InlineData("flannel-vxlan", true)]
    [InlineData("cilium-ebpf", false)]
    public void A_deleted_pods_connections_go_unanswered_until_the_sync_and_its_ip_is_not_reused(string datapath, bool iptablesSync)
    {
        var (r, before, after) = Run("{ at: 50ms, kind: pod_delete, pod: web-1 }", $"cni.datapath={datapath}");
        Assert.True(r.Holds, r.Conservation.ToString());
        var dead = before.Single(p => p.Name == "web-1").Address;
        // Deletion: terminating (endpoint out of the Service) and, the application exiting on SIGTERM, CNI DEL at once.
        Assert.Equal(50 * Ms, At(r, "pod_terminating", "web-1"));
        Assert.Equal(50 * Ms, At(r, "cni_del", "web-1"));
        var sync = r.ProxySyncs[0];
        Assert.Equal(50 * Ms, sync.StartPs); // minSyncPeriod has passed since the sync at start
        // Connections the old rules DNATed to the dead pod between deletion and the sync's end hang in SYN_SENT; none later.
        // kube-proxy's iptables-restore takes ~14 ms, in which ~half of ~55 connections go to the dead pod; Cilium's
        // eBPF map update takes microseconds, so a connection every 250 us rarely falls in its window.
        var unanswered = r.Groups.Single().Flows.Where(f => f.Unanswered).Select(f => f.StartPs).ToList();
        if (iptablesSync) Assert.True(unanswered.Count > 10, $"{unanswered.Count} unanswered");
        else Assert.InRange(sync.EndPs - sync.StartPs, 0, Ms / 10);
        Assert.All(unanswered, t => Assert.InRange(t, 50 * Ms, sync.EndPs));
        // The ReplicaSet replaced it at once; the IPAM did not hand the replacement the released address.
        var replacement = after.Single(p => p.Name == "web-2");
        Assert.NotEqual(dead, replacement.Address);
        Assert.DoesNotContain(after, p => p.Name == "web-1");
        Assert.Equal(50 * Ms, At(r, "pod_create", "web-2"));
    }

    [Fact]
    public void A_new_pod_serves_only_after_readiness_and_the_next_sync()
    {
        List<long> translated = [];
        var options = RunOptions.Default with
        {
            // When the client node's conntrack first DNATed a connection to the new pod.
            AfterRun = c => translated = [.. c.Node("node1").Host.Conntrack.Entries
                .Where(e => e.Reply.Source == c.Pods.Single(p => p.Name == "web-2").Address).Select(e => e.CreatedAt)],
        };
        var s = ScenarioLoader.Parse(Yaml.Replace("EVENT", "{ at: 20ms, kind: scale, workload: web, replicas: 3, readiness_delay: 30ms }", StringComparison.Ordinal), "p.yaml");
        var r = new ClusterSimulation().Run(s, Profile(), null, options);
        Assert.True(r.Holds, r.Conservation.ToString());
        // 20 ms + sandbox 10 + CNI ADD 1 = CNI done at 31 ms; container at 36 ms; Ready 30 ms later.
        Assert.Equal(31 * Ms, At(r, "cni_add", "web-2"));
        Assert.Equal(36 * Ms, At(r, "container_started", "web-2"));
        long ready = At(r, "pod_ready", "web-2");
        Assert.Equal(66 * Ms, ready);
        var sync = r.ProxySyncs.Single();
        Assert.Equal(ready, sync.StartPs);
        // The new pod gets its first connection only once the sync's rules are in, and then about a third of them.
        Assert.True(translated.Count > 50, $"{translated.Count} connections to the new pod");
        Assert.True(translated.Min() >= sync.EndPs, $"first connection at {translated.Min()} before the sync ended at {sync.EndPs}");
        Assert.DoesNotContain(r.Groups.Single().Flows, f => f.Unanswered);
    }

    [Fact]
    public void Scaling_down_deletes_the_newest_pods_first()
    {
        var (r, _, after) = Run("{ at: 20ms, kind: scale, workload: web, replicas: 1 }");
        Assert.Equal(["web-0"], after.Where(p => p.Placed.Workload == "web").Select(p => p.Name));
        Assert.Equal(20 * Ms, At(r, "pod_terminating", "web-1"));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ipvs")]
    public void A_rolling_update_keeps_ready_pods_within_max_unavailable_and_replaces_them_all(string mode)
    {
        var (r, _, after) = Run("{ at: 20ms, kind: rolling_update, workload: web, max_surge: 1, max_unavailable: 0, readiness_delay: 10ms, shutdown_delay: 60ms }",
            $"kube_proxy.mode={mode}");
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.Equal(["web-2", "web-3"], after.Where(p => p.Placed.Workload == "web").Select(p => p.Name).Order());
        Assert.Contains(r.Timeline, t => t.Kind == "rollout_complete");
        // maxUnavailable 0: Ready pods never drop below 2; maxSurge 1: never more than 3 active.
        int ready = 2, active = 2;
        foreach (var t in r.Timeline)
        {
            if (t.Kind == "pod_create") active++;
            if (t.Kind == "pod_ready") ready++;
            if (t.Kind == "pod_terminating") { ready--; active--; }
            Assert.InRange(ready, 2, 3);
            Assert.InRange(active, 2, 3);
        }
        // Old pods keep serving for 60 ms after SIGTERM, longer than the sync: no request is lost.
        Assert.DoesNotContain(r.Groups.Single().Flows, f => f.Unanswered);
    }

    [Fact]
    public void A_rolling_update_whose_pods_exit_at_once_loses_requests_until_the_sync()
    {
        var (r, _, _) = Run("{ at: 20ms, kind: rolling_update, workload: web, max_surge: 1, max_unavailable: 0, readiness_delay: 10ms }");
        var unanswered = r.Groups.Single().Flows.Where(f => f.Unanswered).ToList();
        Assert.NotEmpty(unanswered);
        var firstExit = At(r, "cni_del");
        Assert.All(unanswered, f => Assert.InRange(f.StartPs, firstExit, r.ProxySyncs.Max(s => s.EndPs)));
    }
}
