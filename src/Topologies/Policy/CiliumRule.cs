namespace NetSim.Topologies.Policy;

/// <summary>
/// One Cilium L3/L4 rule (an ingress/egress or ingressDeny/egressDeny item): its peers as endpoint selectors
/// (fromEndpoints/toEndpoints, already scoped to the policy's namespace where Cilium scopes them), entities
/// (world, host, remote-node, cluster, all) and CIDRs (fromCIDR/toCIDR/…CIDRSet with except); and toPorts (none:
/// every port). A rule with ports and no peer applies to every peer; a rule with neither matches nothing (the
/// documented way to write default deny, <c>ingress: [{}]</c>).
/// </summary>
public sealed record CiliumRule(IReadOnlyList<LabelSelector> Endpoints, IReadOnlyList<string> Entities, IReadOnlyList<IpBlock> Cidrs, IReadOnlyList<PortEntry> Ports)
{
    public bool HasPeers => Endpoints.Count > 0 || Entities.Count > 0 || Cidrs.Count > 0;
}
