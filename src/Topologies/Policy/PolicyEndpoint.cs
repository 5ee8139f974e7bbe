using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Policy;

/// <summary>A pod as NetworkPolicy sees it: namespace, name, labels, address, node, and its named container ports.</summary>
public sealed record PolicyEndpoint(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, Ipv4Address Address,
    string Node, IReadOnlyList<PortSpec> Ports)
{
    /// <summary>The container port named <paramref name="name"/> for <paramref name="protocol"/>, 0 when the pod has none.</summary>
    public int NamedPort(string name, string protocol)
    {
        foreach (var p in Ports)
            if (p.Name == name && p.Protocol == protocol) return p.Port;
        return 0;
    }

    /// <summary>The pod's service account (spec.serviceAccountName; "default" when not given).</summary>
    public string ServiceAccount { get; init; } = "default";

    public override string ToString() => $"{Namespace}/{Name}";
}
