using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Manifests;

/// <summary>A namespace a manifest declares, with its labels (what a namespaceSelector matches).</summary>
public sealed record NamespaceManifest(string Name, IReadOnlyDictionary<string, string> Labels, ManifestDocument Document);

/// <summary>
/// What a set of Kubernetes manifests adds to a scenario: workloads and Services in NetSim's own model, the namespaces
/// and policies they declare (networking/v1 with its KubernetesClient model; Calico's and Cilium's kinds, which have no such model, as documents), and a note for each object read that has no effect on the simulated network.
/// </summary>
public sealed record ManifestObjects(
    IReadOnlyList<WorkloadSpec> Workloads,
    IReadOnlyList<ServiceSpec> Services,
    IReadOnlyList<NamespaceManifest> Namespaces,
    IReadOnlyList<(ManifestDocument Document, k8s.Models.V1NetworkPolicy? Policy)> NetworkPolicies,
    IReadOnlyList<string> Notes)
{
    public static readonly ManifestObjects None = new([], [], [], [], []);

    /// <summary>The NetworkAttachmentDefinitions (k8s.cni.cncf.io/v1) the manifests declare.</summary>
    public IReadOnlyList<NetworkAttachmentSpec> NetworkAttachments { get; init; } = [];
}
