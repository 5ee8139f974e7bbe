namespace NetSim.Topologies.Policy;

/// <summary>
/// A projectcalico.org/v3 NetworkPolicy (namespaced) or GlobalNetworkPolicy (<see cref="Namespace"/> ""): the
/// endpoints it selects (selector; a GNP's namespaceSelector; serviceAccountSelector), its order (null: after every
/// ordered policy), the directions it applies to (types, defaults applied) and its ordered rules per direction.
/// Felix evaluates the policies that select an endpoint in ascending order (then by name), rule by rule; Kubernetes
/// NetworkPolicies sit among them at order 1000.
/// </summary>
public sealed record CalicoPolicy(
    string Kind,
    string Namespace,
    string Name,
    double? Order,
    CalicoSelector Selector,
    CalicoSelector? NamespaceSelector,
    CalicoSelector? ServiceAccountSelector,
    bool AppliesToIngress,
    bool AppliesToEgress,
    IReadOnlyList<CalicoRule> Ingress,
    IReadOnlyList<CalicoRule> Egress) : IPolicyObject
{
    public bool IsGlobal => Namespace.Length == 0;

    public bool Applies(PolicyDirection d) => d == PolicyDirection.Ingress ? AppliesToIngress : AppliesToEgress;

    public IReadOnlyList<CalicoRule> Rules(PolicyDirection d) => d == PolicyDirection.Ingress ? Ingress : Egress;

    public IPolicyObject Renamed(string name) => this with { Name = name };

    public IPolicyObject Only(PolicyDirection d) => this with { AppliesToIngress = AppliesToIngress && d == PolicyDirection.Ingress, AppliesToEgress = AppliesToEgress && d == PolicyDirection.Egress };
}
