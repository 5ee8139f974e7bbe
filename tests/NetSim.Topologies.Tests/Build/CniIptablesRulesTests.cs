using NetSim.Datapaths.Netfilter;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>The iptables rules the CNI agents and kube-proxy program, and which packets walk them.</summary>
public class CniIptablesRulesTests
{
    private const string TwoNodes = """
        name: rules
        seed: 1
        duration: 5ms
        cluster:
          nodes: { count: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private static (BuiltCluster Cluster, RunResult Result) Run(string datapath)
    {
        var s = ScenarioLoader.Parse(TwoNodes, "rules.yaml", [$"cni.datapath={datapath}"]);
        var sim = new ClusterSimulation();
        BuiltCluster? built = null;
        var r = sim.Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default with { AfterRun = c => built = c });
        return (built!, r);
    }

    private static long Packets(IptTable t, string chain, Func<IptRule, bool> which) => t[chain].Rules.Where(which).Sum(r => r.Packets);

    [Fact]
    public void Calico_iptables_dataplane_accepts_established_pod_traffic_in_the_workload_chains()
    {
        var (c, r) = Run("calico-bgp");
        Assert.True(r.Groups.Single().Application.Transactions > 50);
        var filter = c.Nodes[0].Host.Netfilter.Filter;
        var client = c.Pods.Single(p => p.Name == "client-0");
        string fw = $"cali-fw-{client.HostVeth!.Name}";
        Assert.True(Packets(filter, fw, rule => rule.Matches.OfType<ConntrackStateMatch>().Any(m => m.States.HasFlag(CtState.Established))) > 50);
        Assert.Equal(0, Packets(filter, fw, rule => rule.Comment == "Drop if no profiles matched"));
        Assert.True(Packets(filter, "cali-pro-kns.default", _ => true) >= 1); // the first packet passed the namespace profile
        Assert.Equal(0, Packets(filter, "cali-from-wl-dispatch", rule => rule.Comment == "Unknown interface"));
        Assert.True(Packets(c.Nodes[1].Host.Netfilter.Filter, $"cali-tw-{c.Pods.Single(p => p.Name == "server-0").HostVeth!.Name}", _ => true) > 50);
        Assert.True(Packets(c.Nodes[0].Host.Netfilter.Raw, "cali-PREROUTING", rule => rule.InInterface == "cali+") > 50);
    }

    [Fact]
    public void Cilium_legacy_host_routing_walks_the_agents_chains_and_ebpf_host_routing_skips_them()
    {
        var (legacy, _) = Run("cilium-legacy");
        Assert.True(Packets(legacy.Nodes[0].Host.Netfilter.Filter, "CILIUM_FORWARD", rule => rule.InInterface == "lxc+") > 50);
        var (ebpf, r) = Run("cilium-ebpf");
        Assert.True(r.Groups.Single().Application.Transactions > 50);
        Assert.Equal(0, Packets(ebpf.Nodes[0].Host.Netfilter.Filter, "CILIUM_FORWARD", _ => true));
    }

    [Fact]
    public void Kube_proxy_programs_its_fixed_chains_without_Services_except_for_the_host_baseline()
    {
        var (flannel, _) = Run("flannel-vxlan");
        Assert.True(flannel.Nodes[0].Host.Netfilter.Filter.TryGetChain("KUBE-FORWARD", out var forward) && forward.Rules.Count > 0);
        var (host, _) = Run("host");
        Assert.False(host.Nodes[0].Host.Netfilter.Filter.TryGetChain("KUBE-FORWARD", out _));
    }
}
