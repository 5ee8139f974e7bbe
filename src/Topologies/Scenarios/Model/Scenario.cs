using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A scenario file, loaded, validated and with every default filled in: the cluster, its CNI and kube-proxy
/// mode, the workloads and Services, and the traffic to run over them.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    string File,
    ulong Seed,
    SimTime Duration,
    SimTime Warmup,
    string Profile,
    ClusterSpec Cluster,
    CniSpec Cni,
    KubeProxySpec KubeProxy,
    IReadOnlyList<WorkloadSpec> Workloads,
    IReadOnlyList<ServiceSpec> Services,
    IReadOnlyList<TrafficSpec> Traffic,
    IReadOnlyList<string> CompareDatapaths,
    string Baseline);
