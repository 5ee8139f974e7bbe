using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// A kube-proxy sync is a process on one of each node's cores: its CPU shows in the node's busy time, competes with
/// the application's work on that core (softirq work pre-empts its slices), and never takes a core past 100 %.
/// </summary>
public class SyncCpuTests
{
    private const long Ms = 1_000_000_000;

    // node1 runs the client, node2 the server (request/response on one connection, one core each); node3 runs nothing.
    private const string Yaml = """
        name: sync-cpu
        seed: 1
        duration: 400ms
        cluster:
          nodes: { count: 3, cores: 1 }
          nic: { rate: 10Gbps }
        cni: { datapath: calico-bgp }
        kube_proxy: { mode: iptables }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: 1, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:web-0 }
        EVENTS
        control_plane: { kube_proxy_min_sync_period: 5ms }

        """;

    private static RunResult Run(string events) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml.Replace("EVENTS", events, StringComparison.Ordinal), "c.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    [Fact]
    public void A_sync_takes_its_cost_on_a_core_of_every_node_and_delays_packets_on_it()
    {
        var quiet = Run("");
        var r = Run("events:\n  - { at: 10ms, kind: service_add, service: web, count: 1000 }");
        Assert.True(r.Holds, r.Conservation.ToString());
        var sync = r.ProxySyncs.Single();
        // 1,000 one-endpoint Services in kube-proxy's iptables shape: tens of milliseconds of iptables-restore on each node.
        Assert.InRange(sync.CpuPs, 50 * Ms, 300 * Ms);
        // The idle node's one core was busy exactly the sync's CPU. On the others the sync's CPU is part of their busy
        // time, which grows, though by less than the sync: the request/response loop sharing the core ran fewer
        // transactions meanwhile (its datapath work is displaced, not added to).
        Assert.Equal(sync.CpuPs, Busy(r, "node3"));
        Assert.Equal(0, Busy(quiet, "node3"));
        foreach (var node in new[] { "node1", "node2" })
        {
            Assert.True(Busy(r, node) > Busy(quiet, node) + sync.CpuPs / 2, $"{node}: {Busy(r, node) / 1e9} ms busy vs {Busy(quiet, node) / 1e9} ms without");
            Assert.True(Busy(r, node) < Busy(quiet, node) + sync.CpuPs, $"{node}: {Busy(r, node) / 1e9} ms busy vs {Busy(quiet, node) / 1e9} ms without");
        }
        Assert.True(Transactions(r) < Transactions(quiet), $"{Transactions(r)} vs {Transactions(quiet)} transactions");
        // No core above 100 % of the window.
        long window = r.MeasuredToPs - r.MeasuredFromPs;
        Assert.All(r.Nodes.SelectMany(n => n.BusyPsPerCore), b => Assert.InRange(b, 0, window));
        // On the busy nodes the sync shares the core with the datapath: it ends later than on the idle one. The
        // connection's packets do not wait behind its slices (0.75 ms each, the profile's control.cpu_slice): their
        // softirq work pre-empts a running slice, so the one-way latency stays within a few microseconds of the quiet
        // run's, far below a slice; the application's system calls still take turns with the slices (fewer transactions).
        Assert.True(sync.EndPs - sync.StartPs > sync.CpuPs, $"{sync.EndPs - sync.StartPs} vs {sync.CpuPs}");
        long maxQuiet = quiet.Groups.Single().Flows.Max(f => f.OneWayLatency.MaxPs);
        long maxSync = r.Groups.Single().Flows.Max(f => f.OneWayLatency.MaxPs);
        Assert.True(maxSync < maxQuiet + Ms / 100, $"max one-way latency {maxSync / 1e6} us with the sync vs {maxQuiet / 1e6} us without: packets waited for a slice");
    }

    private static long Transactions(RunResult r) => r.Groups.Single().Flows.Sum(f => f.OneWayLatency.Count);

    private static long Busy(RunResult r, string node) => r.Nodes.Single(n => n.Node == node).BusyPs;
}
