namespace NetSim.Topologies.Policy;

/// <summary>
/// A cilium.io/v2 CiliumNetworkPolicy (namespaced) or CiliumClusterwideNetworkPolicy (<see cref="Namespace"/> "") at
/// L3/L4: the endpoints it selects (endpointSelector over the pod's Cilium labels, scoped to its namespace for a CNP),
/// its allow and deny rules per direction, and enableDefaultDeny (null: default deny in each direction it has rules
/// for). Deny rules win over allow rules of every policy (Cilium's deny precedence).
/// </summary>
public sealed record CiliumPolicy(
    string Kind,
    string Namespace,
    string Name,
    LabelSelector EndpointSelector,
    bool? DefaultDenyIngress,
    bool? DefaultDenyEgress,
    IReadOnlyList<CiliumRule> Ingress,
    IReadOnlyList<CiliumRule> IngressDeny,
    IReadOnlyList<CiliumRule> Egress,
    IReadOnlyList<CiliumRule> EgressDeny) : IPolicyObject
{
    /// <summary>Cilium's labels for a pod's namespace, namespace labels and service account.</summary>
    public const string NamespaceLabel = "io.kubernetes.pod.namespace", NamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.",
        ServiceAccountLabel = "io.cilium.k8s.policy.serviceaccount";

    public IReadOnlyList<CiliumRule> Allow(PolicyDirection d) => d == PolicyDirection.Ingress ? Ingress : Egress;

    public IReadOnlyList<CiliumRule> Deny(PolicyDirection d) => d == PolicyDirection.Ingress ? IngressDeny : EgressDeny;

    /// <summary>Whether the policy puts a selected endpoint into default deny in <paramref name="d"/>.</summary>
    public bool DefaultDeny(PolicyDirection d) =>
        (d == PolicyDirection.Ingress ? DefaultDenyIngress : DefaultDenyEgress) ?? (Allow(d).Count > 0 || Deny(d).Count > 0);

    public IPolicyObject Renamed(string name) => this with { Name = name };

    public IPolicyObject Only(PolicyDirection d) => d == PolicyDirection.Ingress
        ? this with { Egress = [], EgressDeny = [], DefaultDenyEgress = false }
        : this with { Ingress = [], IngressDeny = [], DefaultDenyIngress = false };

    /// <summary>A pod's labels as Cilium's selectors see them (the "k8s:" source prefix dropped): its own, its namespace, its namespace's labels and its service account.</summary>
    public static Dictionary<string, string> EndpointLabels(PolicyEndpoint e, IReadOnlyDictionary<string, string> namespaceLabels)
    {
        var labels = new Dictionary<string, string>(e.Labels, StringComparer.Ordinal) { [NamespaceLabel] = e.Namespace, [ServiceAccountLabel] = e.ServiceAccount };
        foreach (var (k, v) in namespaceLabels) labels[NamespaceLabelsPrefix + k] = v;
        return labels;
    }
}
