using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The ptp plugin: the example network configuration of its own documentation (cni.dev, plugins/main/ptp) runs
/// unchanged, the pod routes everything to its host end, the host end holds the gateway and a /32 route per pod,
/// and the ptp datapath carries traffic between nodes with packet conservation and the physical invariants.
/// </summary>
public class PtpPluginTests
{
    /// <summary>The example of the ptp plugin's README, as published on cni.dev (a single .conf, no cniVersion).</summary>
    private const string DocsConf = """
        {
        	"name": "mynet",
        	"type": "ptp",
        	"ipam": {
        		"type": "host-local",
        		"subnet": "10.1.1.0/24"
        	},
        	"dns": {
        		"nameservers": [ "10.1.1.1", "8.8.8.8" ]
        	}
        }
        """;

    private const string OneNode = """
        name: ptp-docs
        seed: 2
        duration: 20ms
        cluster:
          nodes: { count: 1, cores: 2 }
        cni: { datapath: ptp, conflist: mynet.conf }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node1] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private static string Folder()
    {
        string dir = Directory.CreateTempSubdirectory("netsim-ptp").FullName;
        File.WriteAllText(Path.Combine(dir, "mynet.conf"), DocsConf);
        return Path.Combine(dir, "ptp.yaml");
    }

    [Fact]
    public void A_single_conf_is_a_list_of_one_and_without_cni_version_is_0_1_0()
    {
        var list = NetworkConfigList.Parse(DocsConf);
        Assert.Equal("mynet", list.Name);
        Assert.Equal("0.1.0", list.SelectedVersion);
        Assert.Equal("ptp", Assert.Single(list.Plugins)["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_documented_example_runs_unchanged_and_wires_the_point_to_point_links()
    {
        var s = ScenarioLoader.Parse(OneNode, Folder());
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var client = c.Pods.Single(p => p.Name == "client-0");
        var server = c.Pods.Single(p => p.Name == "server-0");
        var gw = Ipv4Address.Parse("10.1.1.1");
        Assert.Equal([Ipv4Address.Parse("10.1.1.2"), Ipv4Address.Parse("10.1.1.3")], new[] { client.Address, server.Address });
        // The pod: its /24 address without the connected route; the gateway on-link, and the subnet via it.
        Assert.DoesNotContain(client.Namespace.Routes.Routes, r => r.Prefix == Ipv4Prefix.Parse("10.1.1.0/24") && r.Gateway == Ipv4Address.Any);
        Assert.Equal(client.HostVeth, PeerOf(client.Namespace.LookupRoute(server.Address)!.Device!));
        Assert.Equal(gw, client.Namespace.LookupRoute(server.Address)!.Gateway);
        Assert.Null(client.Namespace.LookupRoute(Ipv4Address.Parse("8.8.8.8"))); // the example's IPAM lists no routes: no default route
        // The host: the gateway /32 on both host ends, a /32 route to each pod.
        Assert.Contains(client.HostVeth!.Addresses, a => a.Address == gw && a.PrefixLength == 32);
        Assert.Contains(server.HostVeth!.Addresses, a => a.Address == gw && a.PrefixLength == 32);
        Assert.Same(server.HostVeth, c.Nodes[0].Host.LookupRoute(server.Address)!.Device);
        var result = c.Nodes[0].Runtime!.Result(client.Placed)!;
        Assert.Equal(["10.1.1.1", "8.8.8.8"], result.Dns!.Nameservers);
        Assert.DoesNotContain(c.Nodes[0].Host.Devices, d => d.Name == "cni0");

        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.True(r.Groups[0].Application.Transactions > 0);
    }

    private static Datapaths.Devices.VethDevice PeerOf(Datapaths.Devices.NetDevice podEnd) => ((Datapaths.Devices.VethDevice)podEnd).Peer;

    [Fact]
    public void The_ptp_datapath_routes_pods_between_nodes_through_their_host_ends()
    {
        var s = ScenarioLoader.Parse("""
            name: ptp-pair
            seed: 4
            duration: 30ms
            warmup: 5ms
            cluster:
              nodes: { count: 2, cores: 4 }
              nic: { rate: 10Gbps, mtu: 1500 }
            cni: { datapath: ptp }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [node2] }
            traffic:
              - { name: stream, kind: bulk, from: pod:client, to: pod:server, duration: 10ms }
              - { name: rr, kind: rr, from: pod:client, to: pod:server, start: 12ms }
            """, "ptp.yaml");
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.All(r.Groups, g => Assert.True(g.Application.GoodputBitsPerSecond > 0 || g.Application.Transactions > 0, g.Name));
        var client = new NetSim.Topologies.Scenarios.Model.EndpointRef(NetSim.Topologies.Scenarios.Model.EndpointKind.Pod, "client", 0, null, null);
        var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(client, client with { Name = "server" }, 0));
        var hops = t.Packets.First(p => p.What.Contains("PSH", StringComparison.Ordinal)).Hops;
        Assert.Contains(hops, h => h.Node == "node1" && h.Element.StartsWith("veth", StringComparison.Ordinal));
        Assert.Contains(hops, h => h.Node == "node2" && h.Action.StartsWith("ip_rcv → forward via veth", StringComparison.Ordinal));
        Assert.DoesNotContain(hops, h => h.Element.Contains("cni0", StringComparison.Ordinal));
    }
}
