using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The tuning and sbr meta-plugins chained after ptp: the interface-attribute example of tuning's documentation
/// (cni.dev, plugins/meta/tuning) runs unchanged and sets the pod's MAC and MTU (the MSS follows); its sysctls land in
/// the pod's netns; a sysctl NetSim does not model refuses the scenario; sbr moves the pod interface's routes into
/// table 100 behind a "from POD lookup 100" rule.
/// </summary>
public class TuningSbrPluginTests
{
    /// <summary>tuning's "change all the supported attributes" example, verbatim, after ptp.</summary>
    private const string TuningAttributes = """
        {"cniVersion":"1.0.0","name":"mynet","plugins":[
         {"type":"ptp","ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}},
         {
           "name": "mytuning",
           "type": "tuning",
           "mac": "c2:b0:57:49:47:f1",
           "mtu": 1454,
           "promisc": true,
           "allmulti": true
         }]}
        """;

    private const string TuningSysctls = """
        {"cniVersion":"1.0.0","name":"mynet","plugins":[
         {"type":"ptp","ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}},
         {"type":"tuning","sysctl":{"net.core.somaxconn":"500","net.ipv4.conf.IFNAME.proxy_arp":"1"}}]}
        """;

    /// <summary>tuning's sysctl example, verbatim: arp_filter is not modelled (NetSim answers ARP without the requester's address).</summary>
    private const string TuningDocSysctls = """
        {"cniVersion":"1.0.0","name":"mynet","plugins":[
         {"type":"ptp","ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}},
         {
           "name": "mytuning",
           "type": "tuning",
           "sysctl": {
             "net.core.somaxconn": "500",
             "net.ipv4.conf.IFNAME.arp_filter": "1"
           }
         }]}
        """;

    private const string Plain = """
        {"cniVersion":"1.0.0","name":"mynet","plugins":[
         {"type":"ptp","ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}}]}
        """;

    private const string Sbr = """
        {"cniVersion":"1.0.0","name":"mynet","plugins":[
         {"type":"ptp","ipam":{"type":"host-local","subnet":"{{.PodCIDR}}","routes":[{"dst":"0.0.0.0/0"}]}},
         {"type":"sbr"}]}
        """;

    private const string Scenario = """
        name: meta-plugins
        seed: 2
        duration: 20ms
        cluster:
          nodes: { count: 2, cores: 2 }
        cni: { datapath: ptp, conflist: net.conflist }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server, duration: 8ms }
          - { name: rr, kind: rr, from: pod:client, to: pod:server, start: 10ms }
        """;

    private static global::NetSim.Topologies.Scenarios.Model.Scenario Load(string conflist)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-meta").FullName;
        File.WriteAllText(Path.Combine(dir, "net.conflist"), conflist);
        return ScenarioLoader.Parse(Scenario, Path.Combine(dir, "meta.yaml"));
    }

    [Fact]
    public void Tuning_sets_the_documented_mac_and_mtu_and_the_stream_uses_the_smaller_mss()
    {
        var s = Load(TuningAttributes);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        var eth0 = client.Namespace.Devices.Single(d => d.Name == "eth0");
        Assert.Equal("c2:b0:57:49:47:f1", eth0.Mac.ToString());
        Assert.Equal(1454, eth0.Mtu);
        var result = c.Nodes[0].Runtime!.Result(client.Placed)!;
        Assert.Contains(result.Interfaces, i => i.Name == "eth0" && i.Mac == "c2:b0:57:49:47:f1");

        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.True(r.Groups[1].Application.Transactions > 0);
        // MSS 1454 - 40 = 1414 instead of 1460: the same bytes in more segments than at the ptp default MTU.
        var plain = new ClusterSimulation().Run(Load(Plain), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        double tuned = r.Groups[0].Application.GoodputBitsPerSecond, untuned = plain.Groups[0].Application.GoodputBitsPerSecond;
        Assert.True(tuned > 1e9 && untuned > tuned, $"MTU 1454: {tuned}, 1500: {untuned}");
    }

    [Fact]
    public void Tuning_writes_modelled_sysctls_into_the_pods_netns()
    {
        var c = ClusterBuilder.Build(Load(TuningSysctls), ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        Assert.Equal(500, client.Namespace.Somaxconn);
        Assert.True(client.Namespace.Devices.Single(d => d.Name == "eth0").ProxyArp);
        Assert.Equal(4096, c.Nodes[0].Host.Somaxconn); // the host's own namespace keeps Linux's default
    }

    [Fact]
    public void A_sysctl_NetSim_does_not_model_refuses_the_scenario_naming_it()
    {
        var e = Assert.Throws<InputException>(() => ClusterBuilder.Build(Load(TuningDocSysctls), ClusterSimulationTests.Profile()));
        Assert.Contains("net.ipv4.conf.IFNAME.arp_filter is not modelled", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sbr_moves_the_interface_routes_into_table_100_behind_a_source_rule()
    {
        var c = ClusterBuilder.Build(Load(Sbr), ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        var server = c.Pods.Single(p => p.Name == "server-0");
        var rule = Assert.Single(client.Namespace.Rules);
        Assert.Equal(100, rule.TableId);
        Assert.Equal(32765, rule.Priority);
        Assert.Equal(new Ipv4Prefix(client.Address, 32), rule.From);
        Assert.Null(client.Namespace.Routes.Lookup(server.Address)); // main no longer routes out of eth0
        Assert.NotNull(client.Namespace.Table(100).Lookup(server.Address));
        Assert.Same(client.Namespace.Devices.Single(d => d.Name == "eth0"), client.Namespace.LookupRoute(server.Address, client.Address)!.Device); // from the pod's address: table 100
        // connect() without a bound source looks up with source 0.0.0.0, which no "from" rule matches: as on Linux, sbr on
        // a pod's only interface leaves its own connections without a route (it is meant for a second interface).
        Assert.False(client.Namespace.TryResolveRoute(server.Address, out _, out _));
    }
}
