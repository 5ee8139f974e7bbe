using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The main-network configurations bundled in scenarios/cni, each as its project publishes it, run unchanged as a
/// scenario's cni.conflist: Calico's and kube-flannel's installed conflists (placeholders filled in per node) and the
/// ipvlan plugin's README example. Every pod gets a sandbox and TCP_RR runs between two pods with packets conserved.
/// (macvlan's dhcp example, the small host-local range and the secondary-network examples have tests of their own:
/// DhcpIpamTests, SandboxRetryTests and SecondaryNetworkTests.)
/// </summary>
public class DocumentedConflistTests
{
    [Theory]
    [InlineData("10-calico.conflist", "calico-bgp", 2)]
    [InlineData("10-flannel.conflist", "flannel-vxlan", 2)]
    [InlineData("10-ipvlan.conf", "ipvlan", 1)] // host-local over one /24 per node: two nodes would hand out the same addresses
    public void A_bundled_documentation_conflist_runs_unchanged(string file, string datapath, int nodes)
    {
        string conflist = Path.Combine(CniDir(), file);
        string yaml = $$"""
            name: documented-{{datapath}}
            seed: 3
            duration: 10ms
            cluster:
              nodes: { count: {{nodes}}, cores: 2 }
              fabric: { type: single-switch }
            cni: { datapath: {{datapath}}, conflist: "{{conflist}}" }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [node{{nodes}}] }
            traffic:
              - { name: rr, kind: rr, from: pod:client, to: pod:server }
            """;
        string dir = Directory.CreateTempSubdirectory("netsim-docconf").FullName;
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, Path.Combine(dir, "doc.yaml")), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "cni_add_failed");
        Assert.True(r.Groups[0].Application.Transactions > 100, $"{file}: {r.Groups[0].Application.Transactions} transactions; {string.Join("; ", r.Notes)}");
    }

    private static string CniDir()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, "scenarios", "cni");
    }
}
