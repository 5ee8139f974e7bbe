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

    [GlobalSetup]
    public void Setup() => _profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());

    /// <summary>200 nodes, 10,000 pods (5,000 Services of 2), in every kube-proxy mode.</summary>
    [Benchmark]
    [Arguments("iptables")]
    [Arguments("ipvs")]
    [Arguments("nftables")]
    [Arguments("ebpf")]
    public int Build200Nodes10000Pods5000Services(string mode) => Build(200, 5000, 2, mode);

    /// <summary>
    /// 1,000 nodes, 30,000 pods (10,000 Services of 3): nftables, eBPF and iptables (5.2 GiB peak per build in
    /// bench/RESULTS.md; IPVS is not a target there). Minutes per iteration: for a quiet machine.
    /// </summary>
    [Benchmark]
    [Arguments("nftables")]
    [Arguments("ebpf")]
    [Arguments("iptables")]
    public int Build1000Nodes30000Pods10000Services(string mode) => Build(1000, 10000, 3, mode);

    private int Build(int nodes, int services, int replicas, string mode)
    {
        var s = ScenarioLoader.Parse(ClusterScaleScenario.Yaml(nodes, services, replicas, mode), "cluster-scale.yaml");
        var cluster = ClusterBuilder.Build(s, _profile);
        var wiring = new ServiceWiring(cluster);
        wiring.Program();
        return wiring.RuleCount;
    }
}
