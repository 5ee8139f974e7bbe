using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The scheduler's thread counts follow a thread that wake-affine moved to its connection's receive core: when a
/// TCP_RR or TCP_CRR client exits it leaves no thread behind on any core (it used to be taken off its first core,
/// leaving one on the core it had moved to).
/// </summary>
public class ThreadAccountingTests
{
    private const string Yaml = """
        name: threads
        seed: 3
        duration: 12ms
        warmup: 0s
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 10Gbps, mtu: 1500, queues: 4 }
        cni: { datapath: host }
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: t, kind: KIND, from: pod:client, to: pod:server, duration: 4ms }
        """;

    [Theory]
    [InlineData("rr")]
    [InlineData("crr")]
    public void A_finished_client_leaves_no_thread_on_any_core(string kind)
    {
        BuiltCluster? cluster = null;
        var options = RunOptions.Default with { BeforeRun = c => cluster = c };
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml.Replace("KIND", kind, StringComparison.Ordinal), "threads.yaml"),
            ClusterSimulationTests.Profile(), null, options);
        Assert.True(r.Holds, r.Conservation + "; " + r.Invariants);
        Assert.True(r.Groups[0].Application.Transactions > 10);
        var scheduler = cluster!.Node("node1").Context.Cpu.Scheduler;
        int[] threads = [.. Enumerable.Range(0, 4).Select(scheduler.Threads)];
        Assert.True(threads.All(t => t == 0), $"threads left per core: {string.Join(", ", threads)}");
    }
}
