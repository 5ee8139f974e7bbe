using NetSim.Experiments.Running;
using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

/// <summary>A scenario's machine fields (cluster.cpu_scale, nic_rx_coalescing, l2_cache) applied to the cost profile it runs with.</summary>
public class MachineProfileTests
{
    private static string Repo()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    [Fact]
    public void The_scenario_machine_replaces_the_profile_machine()
    {
        var profile = CostProfileLoader.Load(Path.Combine(Repo(), "profiles", "default.yaml"));
        var scenario = ScenarioLoader.Load(Path.Combine(Repo(), "scenarios", "ping.yaml"),
            ["cluster.cpu_scale=0.5", "cluster.nic_rx_coalescing=6.5us", "cluster.l2_cache=2MiB"]);

        CostProfile onMachine = ProfileCache.OnMachine(profile, scenario);

        Assert.Equal(2L << 20, onMachine.L2CacheBytes);
        Assert.Equal(0.5m * profile.CpuScale, onMachine.CpuScale);
        Assert.Equal(6_500_000, onMachine.DelayPs(DelayKeys.NicRxCoalescing));
        Assert.Equal(profile[CostKeys.NetfilterRule].FixedPs / 2.0, onMachine[CostKeys.NetfilterRule].FixedPs, 0.5); // rounded to 1 ps
    }

    [Fact]
    public void Without_machine_fields_the_profile_machine_stays()
    {
        var profile = CostProfileLoader.Load(Path.Combine(Repo(), "profiles", "default.yaml"));
        var scenario = ScenarioLoader.Load(Path.Combine(Repo(), "scenarios", "ping.yaml"));

        CostProfile onMachine = ProfileCache.OnMachine(profile, scenario);

        Assert.Equal(profile.L2CacheBytes, onMachine.L2CacheBytes);
        Assert.Equal(profile.CpuScale, onMachine.CpuScale);
        Assert.Equal(profile.DelayPs(DelayKeys.NicRxCoalescing), onMachine.DelayPs(DelayKeys.NicRxCoalescing));
    }
}
