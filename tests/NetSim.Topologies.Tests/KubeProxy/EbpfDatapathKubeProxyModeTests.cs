using NetSim.Engine.Diagnostics;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>
/// Every Cilium and Calico eBPF datapath under every kube-proxy mode that does Services: a pod reaches a ClusterIP
/// (backend on the other node and on its own), the reply comes back from the ClusterIP, and nothing is dropped for
/// want of a neighbour (the bug: bpf_lxc redirected the pre-DNAT ClusterIP packet out of eth0, skipping kube-proxy).
/// calico-ebpf with kube-proxy in IPVS mode is refused at load (Calico does not support it).
/// </summary>
public class EbpfDatapathKubeProxyModeTests
{
    private static readonly string[] EbpfDatapaths =
        [DatapathNames.CiliumEbpf, DatapathNames.CalicoEbpf, DatapathNames.CiliumVxlan, DatapathNames.CiliumGeneve, DatapathNames.CiliumLegacy];

    private static readonly string[] ProxyModes = ["iptables", "ipvs", "nftables", "ebpf"];

    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (var d in EbpfDatapaths)
            foreach (var m in ProxyModes) data.Add(d, m);
        return data;
    }

    private const string Yaml = """
        name: ebpf-kube-proxy
        seed: 5
        duration: 20ms
        cluster:
          nodes: { count: 2, cores: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: api, placement: pinned, nodes: [node2], ports: [{ port: 8080 }] }
          - { name: near, placement: pinned, nodes: [node1], ports: [{ port: 8080 }] }
        services:
          - { name: api, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }] }
          - { name: near, selector: { app: near }, ports: [{ port: 80, target_port: 8080 }] }
        traffic:
          - { name: remote, kind: crr, from: pod:client, to: service:api, count: 5 }
          - { name: local, kind: crr, from: pod:client, to: service:near, count: 5 }
          - { name: stream, kind: rr, from: pod:client, to: service:api }
        """;

    private static RunResult Run(string datapath, string mode) => new ClusterSimulation().Run(
        ScenarioLoader.Parse(Yaml, "ebpf-kp.yaml", [$"cni.datapath={datapath}", $"kube_proxy.mode={mode}"]),
        Build.ClusterSimulationTests.Profile(), null, RunOptions.Default);

    [Theory]
    [MemberData(nameof(Combinations))]
    public void A_pod_reaches_a_ClusterIP_with_no_neighbour_drops(string datapath, string mode)
    {
        if (datapath == DatapathNames.CalicoEbpf && mode == "ipvs") return; // refused at load: the Fact below
        var r = Run(datapath, mode);
        string why = $"{datapath} + {mode}: drops {string.Join(", ", r.Drops)}";
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.DoesNotContain(r.Drops, d => d.Reason == DropReason.NoNeighbour);
        Assert.Equal(5, r.Groups.Single(g => g.Name == "remote").Application.Transactions);
        Assert.Equal(5, r.Groups.Single(g => g.Name == "local").Application.Transactions);
        Assert.True(r.Groups.Single(g => g.Name == "stream").Application.Transactions > 100, why);
    }

    [Fact]
    public void Calico_ebpf_with_kube_proxy_in_IPVS_mode_is_refused_naming_the_field()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(
            "name: t\ncluster: { nodes: { count: 2 } }\ncni: { datapath: calico-ebpf }\nkube_proxy:\n  mode: ipvs\n", "t.yaml"));
        Assert.Equal(("t.yaml", 5, "kube_proxy.mode"), (e.File, e.Line, e.Field));
        Assert.Contains("calico-ebpf", e.Problem, StringComparison.Ordinal);
    }
}
