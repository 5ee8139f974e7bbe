using BenchmarkDotNet.Attributes;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Bench;

/// <summary>
/// The scale target: building a 100-node cluster with 3,000 pods and 1,000 Services in iptables mode
/// (scenario parsed and validated, nodes, pods and routes built, and kube-proxy's first sync on every node) in
/// under 5 s and under 2 GiB allocated.
/// </summary>
[MemoryDiagnoser]
public class ClusterScaleBenchmarks
{
    private CostProfile _profile = null!;

    /// <summary>The repository root (where NetSim.sln is).</summary>
    internal static string Repo()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }

    internal static string ProfilePath() => Path.Combine(Repo(), "profiles", "default.yaml");

    [GlobalSetup]
    public void Setup() => _profile = CostProfileLoader.Load(ProfilePath());

    /// <summary>Parse, validate, build and sync: what `netsim run` does before the first event.</summary>
    [Benchmark]
    public int Build100Nodes3000Pods1000Services()
    {
        Scenario s = ScaleScenario.Build(100, 1000, 3);
        var cluster = ClusterBuilder.Build(s, _profile);
        var services = new ServiceWiring(cluster);
        services.Program();
        return services.RuleCount;
    }
}
