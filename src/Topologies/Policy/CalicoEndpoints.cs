using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// How Calico sees the cluster's pods for its own policies: each workload endpoint's labels are the pod's plus
/// projectcalico.org/namespace, projectcalico.org/orchestrator (k8s) and projectcalico.org/serviceaccount; a namespace
/// is matched by its labels plus projectcalico.org/name; a service account by projectcalico.org/name (NetSim's service
/// accounts carry no other labels). It answers which policies select an endpoint, in Felix's order, and which endpoint
/// addresses a rule's selectors name (the members of the ipset Felix programs for them).
/// </summary>
public sealed class CalicoEndpoints
{
    public const string NamespaceLabel = "projectcalico.org/namespace", OrchestratorLabel = "projectcalico.org/orchestrator",
        ServiceAccountLabel = "projectcalico.org/serviceaccount", NameLabel = "projectcalico.org/name";

    private readonly ClusterPolicies _cluster;
    private readonly Dictionary<PolicyEndpoint, IReadOnlyDictionary<string, string>> _labels = new();

    public CalicoEndpoints(ClusterPolicies cluster)
    {
        _cluster = cluster;
        foreach (var e in cluster.Endpoints)
        {
            var labels = new Dictionary<string, string>(e.Labels, StringComparer.Ordinal)
            {
                [NamespaceLabel] = e.Namespace,
                [OrchestratorLabel] = "k8s",
                [ServiceAccountLabel] = e.ServiceAccount,
            };
            _labels[e] = labels;
        }
    }

    public IReadOnlyDictionary<string, string> Labels(PolicyEndpoint e) => _labels[e];

    private Dictionary<string, string> NamespaceLabels(string ns) =>
        new Dictionary<string, string>(_cluster.NamespaceLabels(ns), StringComparer.Ordinal) { [NameLabel] = ns };

    private static Dictionary<string, string> ServiceAccountLabels(PolicyEndpoint e) => new(StringComparer.Ordinal) { [NameLabel] = e.ServiceAccount };

    /// <summary>Whether <paramref name="policy"/> applies to <paramref name="e"/> (its namespace, selector, namespaceSelector, serviceAccountSelector).</summary>
    public bool Selects(CalicoPolicy policy, PolicyEndpoint e) =>
        (policy.IsGlobal || policy.Namespace == e.Namespace) && policy.Selector.Matches(Labels(e))
        && (policy.NamespaceSelector?.Matches(NamespaceLabels(e.Namespace)) ?? true)
        && (policy.ServiceAccountSelector?.Matches(ServiceAccountLabels(e)) ?? true);

    /// <summary>
    /// The policies (Kubernetes <see cref="NetworkPolicy"/> at order 1000 and <see cref="CalicoPolicy"/>) that apply to
    /// <paramref name="e"/> in <paramref name="d"/>, in Felix's order: ascending order (none = last), then name.
    /// </summary>
    public IReadOnlyList<IPolicyObject> Ordered(PolicyEndpoint e, PolicyDirection d)
    {
        var list = new List<(double Order, string Name, IPolicyObject Policy)>();
        foreach (var p in _cluster.Selecting(e, d)) list.Add((NetworkPolicy.CalicoOrder, $"knp.default.{p.Name}", p));
        foreach (var p in _cluster.Calico)
            if (p.Applies(d) && Selects(p, e)) list.Add((p.Order ?? double.PositiveInfinity, p.IsGlobal ? p.Name : $"{p.Namespace}/{p.Name}", p));
        return list.OrderBy(x => x.Order).ThenBy(x => x.Name, StringComparer.Ordinal).Select(x => x.Policy).ToList();
    }

    /// <summary>The addresses of the endpoints an entity's selector, namespaceSelector and serviceAccounts name together.</summary>
    public IReadOnlyList<Ipv4Address> Members(CalicoPolicy policy, CalicoEntityRule r) =>
        _cluster.Endpoints.Where(e => EntitySelects(policy, r, e)).Select(e => e.Address).ToList();

    /// <summary>The addresses a notSelector excludes (in the policy's namespace for a namespaced policy).</summary>
    public IReadOnlyList<Ipv4Address> NotMembers(CalicoPolicy policy, CalicoEntityRule r) =>
        _cluster.Endpoints.Where(e => (policy.IsGlobal || e.Namespace == policy.Namespace) && r.NotSelector!.Matches(Labels(e))).Select(e => e.Address).ToList();

    private bool EntitySelects(CalicoPolicy policy, CalicoEntityRule r, PolicyEndpoint e)
    {
        bool nsOk = r.NamespaceSelector is { } nsSel ? nsSel.Matches(NamespaceLabels(e.Namespace)) : policy.IsGlobal || e.Namespace == policy.Namespace;
        bool saOk = (r.ServiceAccountNames.Count == 0 || r.ServiceAccountNames.Contains(e.ServiceAccount, StringComparer.Ordinal))
            && (r.ServiceAccountSelector?.Matches(ServiceAccountLabels(e)) ?? true);
        return nsOk && saOk && (r.Selector?.Matches(Labels(e)) ?? true);
    }
}
