using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>static and whereabouts IPAM in a scenario's conflist: the pods get their addresses and traffic runs.</summary>
public class IpamScenarioTests
{
    private static string Folder(string conflist)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-ipam").FullName;
        File.WriteAllText(Path.Combine(dir, "net.conflist"), conflist);
        return Path.Combine(dir, "ipam.yaml");
    }

    private static string Scenario(int servers) => $$"""
        name: ipam
        seed: 3
        duration: 20ms
        cluster:
          nodes: { count: 1, cores: 2 }
        cni: { datapath: ptp, conflist: net.conflist }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node1], replicas: {{servers}} }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    [Fact]
    public void Whereabouts_gives_pods_the_lowest_free_addresses_of_its_range_and_traffic_runs()
    {
        string file = Folder("""
            {"cniVersion":"0.3.1","name":"wb","plugins":[{"type":"ptp",
              "ipam":{"type":"whereabouts","range":"10.50.0.0/24","range_start":"10.50.0.10","exclude":["10.50.0.11/32"],"gateway":"10.50.0.1"}}]}
            """);
        var s = ScenarioLoader.Parse(Scenario(2), file);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Equal(["10.50.0.10", "10.50.0.12", "10.50.0.13"], c.Pods.Select(p => p.Address.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, c.Network.Whereabouts.All.Count());
        Assert.All(c.Network.Whereabouts.All, r => Assert.StartsWith("default/", r.PodRef, StringComparison.Ordinal));
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Groups[0].Application.Transactions > 0);
    }

    [Fact]
    public void Static_gives_the_pod_its_configured_address_gateway_and_routes()
    {
        string file = Folder("""
            {"cniVersion":"1.0.0","name":"st","plugins":[{"type":"ptp",
              "ipam":{"type":"static","addresses":[{"address":"10.60.0.7/24","gateway":"10.60.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],
                      "dns":{"nameservers":["10.60.0.53"]}}}]}
            """);
        var s = ScenarioLoader.Parse("""
            name: static
            cluster:
              nodes: { count: 1, cores: 2 }
            cni: { datapath: ptp, conflist: net.conflist }
            workloads:
              - { name: server, placement: pinned, nodes: [node1] }
            """, file);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var pod = c.Pods[0];
        Assert.Equal(Ipv4Address.Parse("10.60.0.7"), pod.Address);
        Assert.Equal(Ipv4Address.Parse("10.60.0.1"), pod.Namespace.LookupRoute(Ipv4Address.Parse("8.8.8.8"))!.Gateway);
        Assert.Equal(["10.60.0.53"], c.Nodes[0].Runtime!.Result(pod.Placed)!.Dns!.Nameservers);
    }
}
