using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// kubelet retries a pod whose CNI ADD failed: its pod worker requeues the pod after backOffPeriod (10 s) with jitter
/// factor 0.5, so each retry comes 10 to 15 s after the failure. A pod that failed because the IPAM range was full
/// starts at the first retry after another pod's DEL freed an address, not before and not later.
/// </summary>
public class SandboxRetryTests
{
    private const long Ps = 1_000_000_000_000;

    /// <summary>host-local over .10-.13: four addresses for five pods.</summary>
    private const string SmallRange = """
        {"cniVersion":"1.0.0","name":"small-net","plugins":[
         {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":false,
          "ipam":{"type":"host-local","ranges":[[{"subnet":"10.244.0.0/24","rangeStart":"10.244.0.10","rangeEnd":"10.244.0.13"}]]}}]}
        """;

    private static string Folder()
    {
        string dir = Directory.CreateTempSubdirectory("netsim-retry").FullName;
        File.WriteAllText(Path.Combine(dir, "net.conflist"), SmallRange);
        return Path.Combine(dir, "retry.yaml");
    }

    private static string Yaml(string scaleAt, int replicas) => $$"""
        name: retry
        seed: 5
        duration: 40s
        cluster:
          nodes: { count: 1, cores: 2 }
        cni: { datapath: bridge, conflist: net.conflist }
        workloads:
          - { name: web, replicas: 4 }
          - { name: job, replicas: 1 }
        traffic:
          - { name: ping, kind: ping, from: pod:web-0, to: pod:web-1, interval: 1s }
        events:
          - { at: {{scaleAt}}, kind: scale, workload: web, replicas: {{replicas}} }
        """;

    private static RunResult Run(string scaleAt, int replicas = 3) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml(scaleAt, replicas), Folder()), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    [Fact]
    public void A_pod_that_found_the_range_full_starts_at_the_first_retry_after_an_address_is_freed()
    {
        var r = Run("25s");
        Assert.True(r.Holds, r.Conservation.ToString());
        var job = r.Timeline.Where(t => t.Target == "job-0").ToList();
        var failed = job.Where(t => t.Kind == "cni_add_failed").Select(t => t.AtPs).ToList();
        var retries = job.Where(t => t.Kind == "sandbox_retry").ToList();
        long freed = r.Timeline.Single(t => t.Kind == "cni_del" && t.Target == "web-3").AtPs;
        Assert.Equal(25 * Ps, freed); // scaled down at 25 s, no shutdown delay: DEL at once
        var added = job.Single(t => t.Kind == "cni_add");
        Assert.Contains("10.244.0.13", added.What, StringComparison.Ordinal);
        // Failed at 0 (the cluster came up with the range full), then at every retry before 25 s; each retry waits [10 s, 15 s) plus the ADD.
        Assert.Equal(0, failed[0]);
        Assert.True(failed.Count >= 2, string.Join(", ", failed));
        Assert.All(failed, f => Assert.True(f < freed));
        long cniAdd = added.AtPs - retries[^1].AtPs - ParseWait(retries[^1].What);
        Assert.True(cniAdd >= 0);
        for (int i = 0; i < retries.Count; i++)
        {
            Assert.Equal(failed[i], retries[i].AtPs); // requeued when the sync failed
            long wait = ParseWait(retries[i].What);
            Assert.InRange(wait, 10 * Ps, 15 * Ps - 1);
            long next = i + 1 < failed.Count ? failed[i + 1] : added.AtPs;
            Assert.Equal(retries[i].AtPs + wait + cniAdd, next);
        }
        Assert.True(added.AtPs > freed && retries[^1].AtPs < freed, "the successful ADD is the first retry after the DEL");
        Assert.Contains(r.Timeline, t => t.Target == "job-0" && t.Kind == "pod_ready");
    }

    [Fact]
    public void Without_a_free_address_every_retry_fails_again()
    {
        var r = Run("39s", 4); // a scale to the same size: nothing is freed
        var job = r.Timeline.Where(t => t.Target == "job-0").ToList();
        Assert.DoesNotContain(job, t => t.Kind == "cni_add");
        Assert.True(job.Count(t => t.Kind == "cni_add_failed") >= 3); // 0 s, then every 10-15 s within 40 s
        Assert.All(job.Where(t => t.Kind == "cni_add_failed"), t => Assert.Contains("no IP addresses available in range set", t.What, StringComparison.Ordinal));
    }

    [Fact]
    public void A_DaemonSet_pod_that_failed_at_start_is_retried_like_a_Deployment_pod()
    {
        const string Yaml = """
            name: retry-ds
            seed: 5
            duration: 40s
            cluster:
              nodes: { count: 1, cores: 2 }
            cni: { datapath: bridge, conflist: net.conflist }
            workloads:
              - { name: web, replicas: 4 }
              - { name: agent, kind: DaemonSet }
            events:
              - { at: 25s, kind: scale, workload: web, replicas: 3 }
            """;
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, Folder()), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        var agent = r.Timeline.Where(t => t.Target == "agent-0").ToList();
        Assert.Equal(0, agent.First(t => t.Kind == "cni_add_failed").AtPs); // the range was full as the cluster came up
        Assert.Contains(agent, t => t.Kind == "sandbox_retry");
        long freed = r.Timeline.Single(t => t.Kind == "cni_del" && t.Target == "web-3").AtPs;
        var added = agent.Single(t => t.Kind == "cni_add");
        Assert.True(added.AtPs > freed, "the DaemonSet pod gets web-3's address once it is freed");
        Assert.Contains("10.244.0.13", added.What, StringComparison.Ordinal);
        Assert.Contains(agent, t => t.Kind == "pod_ready" && t.AtPs > added.AtPs);
    }

    /// <summary>The wait kubelet drew, as the sandbox_retry entry prints it ("... again in 12.3456789s (...").</summary>
    private static long ParseWait(string what)
    {
        const string Key = "again in ";
        int i = what.IndexOf(Key, StringComparison.Ordinal) + Key.Length;
        int end = what.IndexOf(' ', i);
        return Engine.Core.SimTime.Parse(what[i..end]).Picoseconds;
    }
}
