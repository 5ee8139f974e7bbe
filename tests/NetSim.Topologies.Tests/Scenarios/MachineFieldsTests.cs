using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>cluster.cpu_scale, cluster.nic_rx_coalescing and cluster.l2_cache: a published testbed's machine in a scenario.</summary>
public class MachineFieldsTests
{
    [Fact]
    public void The_machine_fields_default_to_the_profile_and_survive_a_round_trip()
    {
        var plain = ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml");
        Assert.Equal(1m, plain.Cluster.CpuScale);
        Assert.Null(plain.Cluster.NicRxCoalescing);
        Assert.Null(plain.Cluster.L2CacheBytes);
        Assert.DoesNotContain("cpu_scale", ScenarioWriter.Write(plain), StringComparison.Ordinal);

        var s = ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml", ["cluster.cpu_scale=0.6", "cluster.nic_rx_coalescing=6.5us", "cluster.l2_cache=1MiB"]);
        Assert.Equal(0.6m, s.Cluster.CpuScale);
        Assert.Equal(SimTime.FromNanoseconds(6500), s.Cluster.NicRxCoalescing);
        Assert.Equal(1L << 20, s.Cluster.L2CacheBytes);
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "resolved.yaml");
        Assert.Equal(0.6m, again.Cluster.CpuScale);
        Assert.Equal(SimTime.FromNanoseconds(6500), again.Cluster.NicRxCoalescing);
        Assert.Equal(1L << 20, again.Cluster.L2CacheBytes);
    }

    [Theory]
    [InlineData("cluster.cpu_scale=0", "cluster.cpu_scale")]
    [InlineData("cluster.cpu_scale=fast", "cluster.cpu_scale")]
    [InlineData("cluster.nic_rx_coalescing=5", "cluster.nic_rx_coalescing")]
    [InlineData("cluster.l2_cache=0", "cluster.l2_cache")]
    [InlineData("cluster.l2_cache=big", "cluster.l2_cache")]
    public void A_bad_machine_field_names_the_field(string set, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml", [set]));
        Assert.Equal(field, e.Field);
    }
}
