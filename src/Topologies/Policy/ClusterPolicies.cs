using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// The NetworkPolicy state of a cluster (what every agent watches from the API server): namespaces with their labels,
/// pods, and policies, with the networking/v1 meaning of each (kubernetes/api networking/v1 types.go): which policies
/// select a pod per direction, which pods and addresses a peer names, which ports a rule opens. The agents compile
/// their datapath state (iptables chains and ipsets, BPF policy maps) from it; <see cref="Allows"/> is the same
/// meaning evaluated directly, used by tests as the reference the datapaths are held to.
/// </summary>
public sealed class ClusterPolicies
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaces;
    private readonly Dictionary<Ipv4Address, PolicyEndpoint> _byAddress = new();

    public ClusterPolicies(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaces, IReadOnlyList<PolicyEndpoint> endpoints,
        IReadOnlyList<NetworkPolicy> policies, IReadOnlyList<CalicoPolicy>? calico = null, IReadOnlyList<CiliumPolicy>? cilium = null)
    {
        Calico = calico ?? [];
        Cilium = cilium ?? [];
        _namespaces = new(namespaces, StringComparer.Ordinal);
        Endpoints = endpoints;
        Policies = policies;
        foreach (var e in endpoints) _byAddress[e.Address] = e;
    }

    public IReadOnlyList<PolicyEndpoint> Endpoints { get; }
    public IReadOnlyList<NetworkPolicy> Policies { get; }

    /// <summary>Calico's own NetworkPolicies and GlobalNetworkPolicies (read by Felix only).</summary>
    public IReadOnlyList<CalicoPolicy> Calico { get; }

    /// <summary>CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies (read by the Cilium agent only).</summary>
    public IReadOnlyList<CiliumPolicy> Cilium { get; }

    public PolicyEndpoint? Endpoint(Ipv4Address address) => _byAddress.GetValueOrDefault(address);

    /// <summary>A namespace's labels (kubernetes.io/metadata.name included); a namespace nobody declared has only that one.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(string ns) =>
        _namespaces.TryGetValue(ns, out var labels) ? labels : new Dictionary<string, string> { [NamespaceNameLabel] = ns };

    /// <summary>The immutable label the API server puts on every namespace (Kubernetes 1.21+).</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>The policies in the endpoint's namespace that select it and isolate <paramref name="d"/>.</summary>
    public IEnumerable<NetworkPolicy> Selecting(PolicyEndpoint e, PolicyDirection d) =>
        Policies.Where(p => p.Namespace == e.Namespace && p.Isolates(d) && p.PodSelector.Matches(e.Labels));

    public bool IsIsolated(PolicyEndpoint e, PolicyDirection d) => Selecting(e, d).Any();

    /// <summary>Whether <paramref name="peer"/> of a rule in <paramref name="policy"/> names the pod <paramref name="remote"/>.</summary>
    public bool PeerSelects(NetworkPolicy policy, PolicyPeer peer, PolicyEndpoint remote)
    {
        if (peer.IpBlock is not null) return false;
        bool nsOk = peer.NamespaceSelector is { } nsSel ? nsSel.Matches(NamespaceLabels(remote.Namespace)) : remote.Namespace == policy.Namespace;
        return nsOk && (peer.PodSelector?.Matches(remote.Labels) ?? true);
    }

    /// <summary>The pods a selector peer names (empty for an ipBlock).</summary>
    public IEnumerable<PolicyEndpoint> PeerPods(NetworkPolicy policy, PolicyPeer peer) => Endpoints.Where(e => PeerSelects(policy, peer, e));

    /// <summary>Whether a port item opens (protocol, port) on <paramref name="destination"/> (named ports resolve there).</summary>
    public static bool PortMatches(PolicyPort port, byte protocol, int dport, PolicyEndpoint? destination)
    {
        if (port.ProtocolNumber != protocol) return false;
        if (port.Name is { } name) return destination is not null && destination.NamedPort(name, port.Protocol) is var n && n != 0 && n == dport;
        return port.Port == 0 || (dport >= port.Port && dport <= port.LastPort);
    }

    /// <summary>
    /// Whether the networking/v1 rules allow a new connection in one direction: <paramref name="local"/> is the pod
    /// the direction belongs to (the destination for ingress, the source for egress), <paramref name="remote"/> the
    /// other end's address. A non-isolated direction allows everything; otherwise one rule of one selecting policy
    /// must match a peer and a port.
    /// </summary>
    public bool Allows(PolicyDirection d, PolicyEndpoint local, Ipv4Address remote, byte protocol, int dport)
    {
        bool isolated = false;
        var remotePod = Endpoint(remote);
        var destination = d == PolicyDirection.Ingress ? local : remotePod;
        foreach (var policy in Selecting(local, d))
        {
            isolated = true;
            foreach (var rule in policy.Rules(d))
                if (RuleMatches(policy, rule, remote, remotePod, protocol, dport, destination)) return true;
        }
        return !isolated;
    }

    private bool RuleMatches(NetworkPolicy policy, PolicyRule rule, Ipv4Address remote, PolicyEndpoint? remotePod, byte protocol, int dport, PolicyEndpoint? destination)
    {
        bool peerOk = rule.Peers.Count == 0 || rule.Peers.Any(p => p.IpBlock is { } b ? b.Contains(remote) : remotePod is not null && PeerSelects(policy, p, remotePod));
        return peerOk && (rule.Ports.Count == 0 || rule.Ports.Any(p => PortMatches(p, protocol, dport, destination)));
    }
}
