namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A named group of pods (a Deployment or DaemonSet) with labels, container ports, and placement on nodes:
/// spread (round-robin over nodes), pack (fill a node to max-pods first) or pinned (to listed nodes).
/// </summary>
public sealed record WorkloadSpec(
    string Name,
    string Namespace,
    string Kind,
    int Replicas,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<PortSpec> Ports,
    string Placement,
    IReadOnlyList<string> Nodes,
    IReadOnlyList<string> Containers,
    bool HostNetwork)
{
    /// <summary>Where a workload read from a Kubernetes manifest came from (null for the scenario's own "workloads").</summary>
    public ManifestOrigin? Origin { get; init; }

    /// <summary>The pods' service account (scenario "service_account", manifest spec.serviceAccountName; default "default").</summary>
    public string ServiceAccount { get; init; } = "default";

    /// <summary>The secondary networks its pods ask for (k8s.v1.cni.cncf.io/networks, scenario "networks"); Multus attaches them as net1, net2 ...</summary>
    public IReadOnlyList<NetworkSelection> Networks { get; init; } = [];
}
