using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios;
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

/// <summary>
/// Issue 20's scale targets: 200 nodes / 10,000 pods / 5,000 Services in every kube-proxy mode (< 10 s, < 2 GiB) and
/// 1,000 nodes / 30,000 pods / 10,000 Services (< 60 s, < 8 GiB): parse, build and kube-proxy's first sync on every
/// node (bench/ClusterScaleScenario.cs). One cold invocation per iteration: a build takes seconds, and the first
/// one is what `netsim run` pays. The peak working set of one build per process is `--cluster-scale build`'s.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 0, iterationCount: 2)]
public class ClusterScale
{
    private CostProfile _profile = null!;

    [Params("200/5000/2", "1000/10000/3")]
    public string Size { get; set; } = "";

    [Params("iptables", "ipvs", "nftables", "ebpf")]
    public string Mode { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());

    [Benchmark]
    public int Build()
    {
        int[] n = Array.ConvertAll(Size.Split('/'), int.Parse);
        var s = ScenarioLoader.Parse(ClusterScaleScenario.Yaml(n[0], n[1], n[2], Mode), "cluster-scale.yaml");
        var cluster = ClusterBuilder.Build(s, _profile);
        var services = new ServiceWiring(cluster);
        services.Program();
        return services.RuleCount;
    }
}
