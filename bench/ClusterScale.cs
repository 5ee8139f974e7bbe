using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;

namespace NetSim.Bench;

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

    /// <summary>nodes/Services/replicas/mode. At 1,000 nodes only eBPF: nftables passed 15 GB resident (bench/RESULTS.md).</summary>
    [Params("200/5000/2/iptables", "200/5000/2/ipvs", "200/5000/2/nftables", "200/5000/2/ebpf", "1000/10000/3/ebpf")]
    public string Cluster { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());

    [Benchmark]
    public int Build()
    {
        string[] c = Cluster.Split('/');
        int[] n = Array.ConvertAll(c[..3], x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture));
        var s = ScenarioLoader.Parse(ClusterScaleScenario.Yaml(n[0], n[1], n[2], c[3]), "cluster-scale.yaml");
        var cluster = ClusterBuilder.Build(s, _profile);
        var services = new ServiceWiring(cluster);
        services.Program();
        return services.RuleCount;
    }
}
