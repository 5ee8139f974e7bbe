using NetSim.Datapaths.Devices;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>cluster.shared_cpu and fabric type veth-pair: two nodes that are network namespaces of one machine.</summary>
public class OneMachineTests
{
    private const string Yaml = """
        name: one-machine
        seed: 1
        duration: 12ms
        warmup: 4ms
        cluster:
          shared_cpu: true
          nodes: { count: 2, cores: 1 }
          nic: { rate: 100Gbps, mtu: 1500 }
          fabric: { type: veth-pair }
        cni:
          datapath: flannel-host-gw
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server, duration: 8ms }
          - { name: rr, kind: rr, from: pod:client, to: pod:server, start: 8ms }
        """;

    [Fact]
    public void The_nodes_share_one_cpu_and_their_eth0s_are_the_ends_of_one_veth_pair()
    {
        var s = ScenarioLoader.Parse(Yaml, "one.yaml");
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        Assert.Same(n1.Context.Cpu, n2.Context.Cpu);
        Assert.Null(n1.Nic);
        var eth0 = Assert.IsType<VethDevice>(n1.Eth0);
        Assert.Same(n2.Eth0, eth0.Peer);
        Assert.Equal("eth0", n2.Eth0.Name);
    }

    [Fact]
    public void Traffic_crosses_the_veth_pair_and_the_one_core_is_reported_once()
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "one.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds);
        var node = Assert.Single(r.Nodes);
        Assert.Equal("node1+node2", node.Node);
        Assert.Equal(1, node.Cores);
        double measured = r.MeasuredToPs - r.MeasuredFromPs;
        // One core for both nodes: never more than 100 % busy, and a CPU-bound stream keeps it nearly saturated.
        Assert.InRange(node.BusyPs / measured, 0.5, 1.0);
        Assert.True(r.Groups.Single(g => g.Name == "stream").Application.GoodputBitsPerSecond > 1e9);
        Assert.True(r.Groups.Single(g => g.Name == "rr").Application.Transactions > 0);
    }

    [Fact]
    public void Sharing_one_core_is_slower_than_a_core_per_node()
    {
        // At mean costs: this compares CPU sharing, not the draws. (Drawn, seed 1's separate-core run stalls in loss
        // recovery after its receiver's RX ring overflows in slow start: 0.76 Gbit/s; seeds 2-8 give 15-17.)
        double Goodput(params string[] sets) => new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "one.yaml", sets), ClusterSimulationTests.Profile().WithExactCosts(), null, RunOptions.Default)
            .Groups.Single(g => g.Name == "stream").Application.GoodputBitsPerSecond;
        // The same two nodes on a switch with a NIC each: one shared core against a core per node, where sender and
        // receiver work in parallel.
        double shared = Goodput("cluster.fabric.type=single-switch");
        double separate = Goodput("cluster.fabric.type=single-switch", "cluster.shared_cpu=false");
        Assert.True(shared > 0);
        Assert.True(shared < separate * 0.9, $"shared {shared / 1e9:0.00} Gbit/s, separate {separate / 1e9:0.00} Gbit/s");
    }

    [Fact]
    public void The_fields_survive_a_round_trip()
    {
        var s = ScenarioLoader.Parse(Yaml, "one.yaml");
        string written = ScenarioWriter.Write(s);
        var again = ScenarioLoader.Parse(written, "resolved.yaml");
        Assert.True(again.Cluster.SharedCpu);
        Assert.True(again.Cluster.Fabric.IsVethPair);
        Assert.False(ScenarioLoader.Parse(ClusterSimulationTestsYaml.Plain, "plain.yaml").Cluster.SharedCpu);
    }

    [Theory]
    [InlineData("cluster.nodes.count=3", "cluster.fabric.type", "exactly two nodes")]
    [InlineData("cluster.shared_cpu=false", "cluster.fabric.type", "shared_cpu")]
    [InlineData("cluster.fabric.type=ring", "cluster.fabric.type", "veth-pair")]
    public void A_bad_one_machine_setup_names_the_field(string set, string field, string says)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml, "one.yaml", [set]));
        Assert.Equal(field, e.Field);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_sharing_a_machine_must_agree_on_its_cores()
    {
        string yaml = Yaml.Replace("nodes: { count: 2, cores: 1 }", "nodes: [{ name: node1, cores: 1 }, { name: node2, cores: 2 }]", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "one.yaml"));
        Assert.Equal("cluster.shared_cpu", e.Field);
    }

    /// <summary>A scenario without the one-machine fields.</summary>
    private static class ClusterSimulationTestsYaml
    {
        public const string Plain = """
            name: plain
            cluster:
              nodes: { count: 2 }
            """;
    }
}
