using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// RPS and RFS: with them off (the kernel's default) one flow's receive work and its reader share the interrupt
/// core (wake-affine); RPS moves the stack work after the driver to another core, so a CPU-bound flow gains a core.
/// </summary>
public class ReceiveSteeringTests
{
    private const string Stream = """
        name: steering
        seed: 2
        duration: 30ms
        warmup: 10ms
        cluster:
          nodes: { count: 2, cores: 12 }
          nic: { rate: 40Gbps, mtu: 1500 }
        cni: { datapath: host }
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server }
        """;

    private static RunResult Run(params string[] sets)
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Stream, "steering.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation + "; " + r.Invariants);
        return r;
    }

    private static int CoresBusierThan(RunResult r, string node, double share) =>
        r.Nodes.Single(n => n.Node == node).BusyPsPerCore.Count(b => b > share * (r.MeasuredToPs - r.MeasuredFromPs));

    [Fact]
    public void Without_steering_one_core_carries_the_flows_receive_work_and_its_reader()
    {
        var r = Run();
        Assert.Equal(1, CoresBusierThan(r, "node2", 0.05));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rps_spreads_a_cpu_bound_flow_over_two_cores_and_it_goes_faster(bool rfs)
    {
        var plain = Run();
        var steered = Run("cluster.nic.rps=true", $"cluster.nic.rfs={rfs.ToString().ToLowerInvariant()}");
        Assert.Equal(2, CoresBusierThan(steered, "node2", 0.05));
        double before = plain.Groups[0].Application.GoodputBitsPerSecond, after = steered.Groups[0].Application.GoodputBitsPerSecond;
        Assert.True(after > before * 1.2, $"{after / 1e9:0.00} Gbit/s with RPS vs {before / 1e9:0.00} without");
    }

    [Fact]
    public void Rfs_without_rps_is_refused() =>
        Assert.Equal("cluster.nic.rfs", Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() =>
            ScenarioLoader.Parse(Stream, "steering.yaml", ["cluster.nic.rfs=true"])).Field);
}
