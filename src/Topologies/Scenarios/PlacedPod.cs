namespace NetSim.Topologies.Scenarios;

/// <summary>A pod placed on a node.</summary>
public sealed record PlacedPod(string Name, string Workload, int Index, string Namespace, string Node,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Containers, bool HostNetwork)
{
    /// <summary>Its secondary networks (its workload's k8s.v1.cni.cncf.io/networks).</summary>
    public IReadOnlyList<Model.NetworkSelection> Networks { get; init; } = [];
}
