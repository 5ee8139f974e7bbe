using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// macvlan's connectivity truths (drivers/net/macvlan.c): bridge-mode pods on one parent talk inside the kernel,
/// VEPA pods only through a switch port that reflects, private pods never; no node reaches its own macvlan pods;
/// pods on different nodes meet on the wire. The whereabouts README's macvlan conflist runs unchanged.
/// </summary>
public class MacvlanTests
{
    /// <summary>The example of the whereabouts README (a macvlan network over eth0, bridge mode).</summary>
    private const string WhereaboutsReadmeConf = """
        {
              "cniVersion": "0.3.0",
              "name": "whereaboutsexample",
              "type": "macvlan",
              "master": "eth0",
              "mode": "bridge",
              "ipam": {
                "type": "whereabouts",
                "range": "192.168.2.225/28",
                "exclude": [
                   "192.168.2.229/30",
                   "192.168.2.236/32"
                ]
              }
        }
        """;

    private static string Conf(string mode) =>
        $$$"""{"cniVersion":"1.0.0","name":"mv","type":"macvlan","master":"eth0","mode":"{{{mode}}}","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""";

    private static Scenario Load(string conf, bool sameNode, string extra = "")
    {
        string dir = Directory.CreateTempSubdirectory("netsim-macvlan").FullName;
        File.WriteAllText(Path.Combine(dir, "net.conf"), conf);
        return ScenarioLoader.Parse($$"""
            name: macvlan
            seed: 5
            duration: 20ms
            warmup: 2ms
            cluster:
              nodes: { count: 2, cores: 2 }
            cni: { datapath: macvlan, conflist: net.conf }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [{{(sameNode ? "node1" : "node2")}}] }
            traffic:
              - { name: rr, kind: rr, from: pod:client, to: pod:server }
            {{extra}}
            """, Path.Combine(dir, "macvlan.yaml"));
    }

    private static (BuiltCluster C, BuiltPod Client, BuiltPod Server) Build(Scenario s)
    {
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        return (c, c.Pods.Single(p => p.Name == "client-0"), c.Pods.Single(p => p.Name == "server-0"));
    }

    private static MacvlanDevice Slave(BuiltPod pod) => pod.Namespace.Devices.OfType<MacvlanDevice>().Single();

    private static bool Resolves(BuiltPod from, BuiltPod to) => from.Namespace.Neighbours.TryResolve(Slave(from), to.Address, out _);

    private static bool NodeResolves(BuiltNode node, BuiltPod pod) => node.Host.Neighbours.TryResolve(node.Eth0, pod.Address, out _);

    [Fact]
    public void The_whereabouts_readme_conflist_runs_unchanged_across_nodes()
    {
        var s = Load(WhereaboutsReadmeConf, sameNode: false);
        var (c, client, server) = Build(s);
        Assert.Equal(["192.168.2.225", "192.168.2.226"], new[] { client.Address.ToString(), server.Address.ToString() });
        Assert.Equal(MacvlanMode.Bridge, Slave(client).Mode);
        Assert.Same(c.Nodes[0].Eth0, Slave(client).Lower);
        Assert.True(Resolves(client, server));
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.True(r.Groups[0].Application.Transactions > 0);
    }

    [Fact]
    public void A_node_cannot_reach_its_own_macvlan_pods_but_another_node_can()
    {
        var (c, client, server) = Build(Load(Conf("bridge"), sameNode: false));
        Assert.False(NodeResolves(c.Nodes[0], client));
        Assert.True(NodeResolves(c.Nodes[1], client));
        Assert.False(NodeResolves(c.Nodes[1], server));
    }

    [Fact]
    public void Bridge_mode_pods_on_one_parent_talk_inside_the_kernel_without_the_switch()
    {
        var s = Load(Conf("bridge"), sameNode: true);
        var (_, client, server) = Build(s);
        Assert.True(Resolves(client, server));
        long switched = -1;
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null,
            RunOptions.Default with { AfterRun = c => switched = SwitchForwarded(c) });
        Assert.True(r.Groups[0].Application.Transactions > 0);
        Assert.Equal(0, switched);
    }

    [Fact]
    public void Private_mode_pods_on_one_parent_never_reach_each_other_even_with_a_reflecting_switch()
    {
        var (c, client, server) = Build(Load(Conf("private"), sameNode: true));
        Assert.False(Resolves(client, server));
        c.Context.Fabric.SetReflectiveRelay(c.Nodes[0], true);
        Assert.False(Resolves(client, server));
        var (_, a, b) = Build(Load(Conf("private"), sameNode: false));
        Assert.True(Resolves(a, b)); // private isolates slaves of one parent only
    }

    [Fact]
    public void Vepa_pods_on_one_parent_need_the_switch_to_reflect_and_then_go_through_it()
    {
        var s = Load(Conf("vepa"), sameNode: true);
        var (c, client, server) = Build(s);
        Assert.False(Resolves(client, server));
        var blocked = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.Equal(0, blocked.Groups[0].Application.Transactions);
        Assert.True(blocked.Conservation.Holds, blocked.Conservation.ToString());

        long switched = 0;
        var reflected = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default with
        {
            BeforeRun = c => c.Context.Fabric.SetReflectiveRelay(c.Nodes[0], true),
            AfterRun = c => switched = SwitchForwarded(c),
        });
        Assert.True(reflected.Groups[0].Application.Transactions > 0);
        Assert.True(switched >= 2 * reflected.Groups[0].Application.Transactions, $"{switched} frames switched");
        Assert.True(reflected.Conservation.Holds, reflected.Conservation.ToString());
    }

    [Fact]
    public void Passthru_takes_the_parent_and_a_second_slave_is_refused()
    {
        // The second pod's ADD fails at run time (the parent is taken): that pod fails, the scenario is not refused.
        var busy = ClusterBuilder.Build(Load(Conf("passthru"), sameNode: true), ClusterSimulationTests.Profile());
        var failure = Assert.Single(busy.SandboxFailures);
        Assert.Contains("failed to create macvlan: eth0: device or resource busy", failure.Message, StringComparison.Ordinal);
        var (c, client, _) = Build(Load(Conf("passthru"), sameNode: false));
        Assert.Equal(c.Nodes[0].Eth0.Mac, Slave(client).Mac);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"mv","type":"macvlan","mode":"loud","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""", "unknown macvlan mode: \"loud\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"mv","type":"macvlan","master":"eth9","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""", "failed to lookup master \"eth9\": Link not found")]
    [InlineData("""{"cniVersion":"1.0.0","name":"mv","type":"macvlan","mtu":9000,"ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""", "invalid MTU 9000, must be [0, master MTU(1500)]")]
    public void Plugin_errors_are_its_own(string conf, string message)
    {
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => Build(Load(conf, sameNode: false)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains($"CNI error {CniException.Internal}", e.Message, StringComparison.Ordinal);
    }

    private static long SwitchForwarded(BuiltCluster c) => c.Context.Fabric.Switches.Sum(s => s.Forwarded);
}
