using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The outer UDP checksum of tunnels as each CNI sets it, on a NIC that does not parse tunnels: Weave's fast datapath
/// sends none, so on a kernel before 5.12 the NIC's GRO cannot merge its frames and the VXLAN device's gro_cells
/// merges them after decapsulation; Flannel's VXLAN device sends one (Linux's default), which the NIC verifies, and is
/// merged at the NIC on any kernel.
/// </summary>
public class TunnelChecksumTests
{
    private const string Stream = """
        name: tunnel-checksum
        seed: 3
        duration: 20ms
        warmup: 5ms
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 10Gbps, mtu: 1500, tunnel_rx_checksum: false }
        cni: { datapath: weave }
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server }
        """;

    private static RunResult Run(params string[] sets)
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Stream, "tunnel-checksum.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation + "; " + r.Invariants);
        return r;
    }

    private static double Goodput(RunResult r) => r.Groups[0].Application.GoodputBitsPerSecond;

    private static long GroCellsCpu(RunResult r) =>
        r.Elements.Where(e => e.Node == "node2" && e.Element.EndsWith("/gro_cells", StringComparison.Ordinal)).Sum(e => e.CpuPs);

    [Fact]
    public void Weave_on_an_old_kernel_is_merged_only_after_decapsulation_and_goes_slower()
    {
        var old = Run("cluster.zero_csum_tunnel_gro=false");
        var fixedKernel = Run();
        Assert.True(GroCellsCpu(old) > 0, "the VXLAN device's gro_cells merged nothing");
        Assert.Equal(0, GroCellsCpu(fixedKernel));
        Assert.True(Goodput(old) < 0.9 * Goodput(fixedKernel), $"{Goodput(old) / 1e9:0.00} Gbit/s on 4.15 vs {Goodput(fixedKernel) / 1e9:0.00} on 5.12");
    }

    [Fact]
    public void A_NIC_that_parses_VXLAN_lets_the_old_kernel_merge_Weave_at_the_NIC()
    {
        var parsed = Run("cluster.zero_csum_tunnel_gro=false", "cluster.nic.tunnel_rx_checksum=true");
        Assert.Equal(0, GroCellsCpu(parsed));
    }

    [Theory]
    [InlineData("flannel-vxlan")]
    [InlineData("calico-vxlan")]
    public void A_tunnel_that_sends_its_outer_checksum_runs_the_same_on_either_kernel(string datapath)
    {
        var old = Run($"cni.datapath={datapath}", "cluster.zero_csum_tunnel_gro=false");
        var fixedKernel = Run($"cni.datapath={datapath}");
        Assert.Equal(fixedKernel.Fingerprint, old.Fingerprint);
        Assert.Equal(0, GroCellsCpu(old));
    }

    [Fact]
    public void Cilium_sends_no_outer_checksum_either()
    {
        var old = Run("cni.datapath=cilium-vxlan", "cluster.zero_csum_tunnel_gro=false");
        Assert.True(GroCellsCpu(old) > 0);
    }
}
