using NetSim.Datapaths.Devices;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// ipvlan (drivers/net/ipvlan): every slave has its parent's MAC; L2 mode slaves ARP and are found by address on
/// receive, L3 mode slaves route through the node's namespace; slaves of one parent talk inside the kernel; no node
/// reaches its own ipvlan pods.
/// </summary>
public class IpvlanTests
{
    private static Scenario Load(string? conf, bool sameNode)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-ipvlan").FullName;
        if (conf is not null) File.WriteAllText(Path.Combine(dir, "net.conf"), conf);
        return ScenarioLoader.Parse($$"""
            name: ipvlan
            seed: 6
            duration: 20ms
            warmup: 2ms
            cluster:
              nodes: { count: 2, cores: 2 }
            cni: { datapath: ipvlan{{(conf is null ? "" : ", conflist: net.conf")}} }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [{{(sameNode ? "node1" : "node2")}}] }
            traffic:
              - { name: rr, kind: rr, from: pod:client, to: pod:server }
            """, Path.Combine(dir, "ipvlan.yaml"));
    }

    /// <summary>An L3 network as the plugin's docs describe it: mode l3 over eth0, host-local over the node's podCIDR.</summary>
    private const string L3Conf = """
        {"cniVersion":"1.0.0","name":"ipvlan-l3","type":"ipvlan","master":"eth0","mode":"l3",
         "ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}}
        """;

    private static IpvlanDevice Slave(BuiltPod pod) => pod.Namespace.Devices.OfType<IpvlanDevice>().Single();

    private static (RunResult R, long Switched) Run(Scenario s)
    {
        long switched = 0;
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null,
            RunOptions.Default with { AfterRun = c => switched = c.Context.Fabric.Switches.Sum(x => x.Forwarded) });
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        return (r, switched);
    }

    [Fact]
    public void L2_slaves_share_the_parent_mac_and_pods_talk_across_nodes_through_the_switch()
    {
        var s = Load(null, sameNode: false);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        var server = c.Pods.Single(p => p.Name == "server-0");
        Assert.Equal(c.Nodes[0].Eth0.Mac, Slave(client).Mac);
        Assert.True(client.Namespace.Neighbours.TryResolve(Slave(client), server.Address, out var mac));
        Assert.Equal(c.Nodes[1].Eth0.Mac, mac); // answered with the other node's MAC
        Assert.False(c.Nodes[0].Host.Neighbours.TryResolve(c.Nodes[0].Eth0, client.Address, out _)); // the host cannot reach its own pod
        var (r, switched) = Run(s);
        Assert.True(r.Groups[0].Application.Transactions > 0);
        Assert.True(switched > 0);
    }

    [Fact]
    public void L2_slaves_of_one_parent_talk_inside_the_kernel()
    {
        var (r, switched) = Run(Load(null, sameNode: true));
        Assert.True(r.Groups[0].Application.Transactions > 0);
        Assert.Equal(0, switched);
    }

    [Fact]
    public void L3_slaves_do_no_arp_and_leave_through_the_nodes_routing()
    {
        var s = Load(L3Conf, sameNode: false);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        Assert.False(Slave(client).HasL2);
        Assert.Equal(IpvlanMode.L3, Slave(client).Mode);
        var (r, switched) = Run(s);
        Assert.True(r.Groups[0].Application.Transactions > 0);
        Assert.True(switched > 0);
        var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null,
            new TraceRequest(new EndpointRef(EndpointKind.Pod, "client", 0, null, null), new EndpointRef(EndpointKind.Pod, "server", 0, null, null), 0));
        var hops = t.Packets.First(p => p.What.Contains("PSH", StringComparison.Ordinal)).Hops;
        Assert.Contains(hops, h => h.Node == "node1" && h.Action.StartsWith("ipvlan_process_v4_outbound", StringComparison.Ordinal));
        Assert.Contains(hops, h => h.Node == "node2" && h.Action.StartsWith("ipvlan_handle_frame", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"iv","type":"ipvlan","mode":"l4","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""", "unknown ipvlan mode: \"l4\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"iv","type":"ipvlan","mode":"l3s","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""", "ipvlan mode \"l3s\"")]
    public void A_bad_mode_is_refused_when_the_conflist_is_read(string conf, string message)
    {
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => Load(conf, sameNode: false));
        Assert.Equal("cni.conflist", e.Field);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
