namespace NetSim.Topologies.Policy;

/// <summary>
/// A networking/v1 NetworkPolicy as NetSim enforces it: the pods it selects in its namespace, the directions it
/// isolates (policyTypes, defaults applied) and its allow rules per direction. There are no deny rules: a connection
/// is allowed in a direction when that direction is not isolated or one rule of any selecting policy allows it.
/// </summary>
public sealed record NetworkPolicy(
    string Namespace,
    string Name,
    LabelSelector PodSelector,
    bool IsolatesIngress,
    bool IsolatesEgress,
    IReadOnlyList<PolicyRule> Ingress,
    IReadOnlyList<PolicyRule> Egress) : IPolicyObject
{
    public string Kind => "NetworkPolicy";

    public IPolicyObject Renamed(string name) => this with { Name = name };

    public IPolicyObject Only(PolicyDirection d) => this with { IsolatesIngress = IsolatesIngress && d == PolicyDirection.Ingress, IsolatesEgress = IsolatesEgress && d == PolicyDirection.Egress };

    /// <summary>Where Calico places a Kubernetes NetworkPolicy among its own: order 1000, named knp.default.NAME.</summary>
    public const double CalicoOrder = 1000;

    public bool Isolates(PolicyDirection d) => d == PolicyDirection.Ingress ? IsolatesIngress : IsolatesEgress;

    public IReadOnlyList<PolicyRule> Rules(PolicyDirection d) => d == PolicyDirection.Ingress ? Ingress : Egress;
}
