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
    string Baseline)
{
    /// <summary>Cluster DNS (CoreDNS behind kube-dns, every pod's resolv.conf); disabled unless the scenario asks for it or resolves names.</summary>
    public DnsSpec Dns { get; init; } = DnsDisabled;

    private static readonly DnsSpec DnsDisabled = DnsSpec.Default(default, false);

    /// <summary>The YAML text the scenario was read from (before overrides), so it can be re-read with others.</summary>
    public string SourceText { get; init; } = "";

    /// <summary>Every namespace (declared, or named by a workload) with its labels.</summary>
    public IReadOnlyList<NamespaceSpec> Namespaces { get; init; } = [];

    /// <summary>The NetworkPolicies (networking/v1), converted, with the YAML they were written as.</summary>
    public IReadOnlyList<PolicySpec> NetworkPolicies { get; init; } = [];

    /// <summary>The "--set" overrides that were applied, in order.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Manifest files or folders given beside the scenario (netsim run DIR --cluster FILE), read after its own "manifests".</summary>
    public IReadOnlyList<string> ExtraManifests { get; init; } = [];

    /// <summary>One line per manifest object read past or approximated (a ConfigMap, affinity read as spread), for the run summary.</summary>
    public IReadOnlyList<string> ManifestNotes { get; init; } = [];

    /// <summary>Timed changes to the cluster while traffic flows, in time order (file order for equal times).</summary>
    public IReadOnlyList<ClusterEvent> Events { get; init; } = [];

    /// <summary>The NetworkAttachmentDefinitions (scenario "network_attachments", or manifests) pods' networks name.</summary>
    public IReadOnlyList<NetworkAttachmentSpec> NetworkAttachments { get; init; } = [];

    /// <summary>Control-plane timers the scenario sets instead of the profile's.</summary>
    public ControlPlaneSpec ControlPlane { get; init; } = ControlPlaneSpec.FromProfile;

    /// <summary>SHA-256 of every manifest document read, in order ("" when none): part of <see cref="Sha256"/>.</summary>
    public string ManifestDigest { get; init; } = "";

    /// <summary>SHA-256 of the source text, the overrides and the manifests: what a result file cites to be reproducible.</summary>
    public string Sha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(SourceText + "\n--set " + string.Join("\n--set ", Overrides) + (ManifestDigest.Length > 0 ? "\n--manifests " + ManifestDigest : ""))));
}
