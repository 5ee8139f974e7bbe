namespace NetSim.Topologies.Policy;

/// <summary>
/// Compiles the policies selecting one endpoint into its policy map for one direction, the way an eBPF agent turns
/// selectors into identities: a selector peer becomes the identities of the pods it selects, a rule without peers
/// an any-peer entry, an ipBlock a CIDR entry; ports become protocol + port-range entries, named ports resolved on
/// the destination pod (the endpoint itself for ingress, each peer pod for egress).
/// </summary>
public static class PolicyMapCompiler
{
    /// <param name="only">Compile just these policies (one Calico program step), instead of every one selecting the endpoint.</param>
    public static EndpointPolicyMap Compile(ClusterPolicies cluster, PolicyIdentities identities, PolicyEndpoint e, PolicyDirection d, IReadOnlyList<NetworkPolicy>? only = null)
    {
        var selecting = only ?? cluster.Selecting(e, d).ToList();
        var map = new EndpointPolicyMap { Isolated = selecting.Count > 0 };
        foreach (var policy in selecting)
        {
            foreach (var rule in policy.Rules(d))
            {
                if (rule.Peers.Count == 0)
                {
                    if (d == PolicyDirection.Ingress || !HasNamedPort(rule)) foreach (var port in Ports(rule, e)) map.AllowAnyPeer(port);
                    else foreach (var dst in cluster.Endpoints) foreach (var port in Ports(rule, dst)) map.Allow(identities.Of(dst.Address), port);
                    continue;
                }
                foreach (var peer in rule.Peers)
                {
                    if (peer.IpBlock is { } block)
                    {
                        foreach (var port in Ports(rule, d == PolicyDirection.Ingress ? e : null)) map.AllowCidr(block, port);
                        continue;
                    }
                    foreach (var pod in cluster.PeerPods(policy, peer))
                        foreach (var port in Ports(rule, d == PolicyDirection.Ingress ? e : pod))
                            map.Allow(identities.Of(pod.Address), port);
                }
            }
        }
        return map;
    }

    /// <summary>
    /// Adds the Cilium policies selecting <paramref name="e"/> to its map for <paramref name="d"/>: selectors become the
    /// identities of the pods they select, entities reserved identities (cluster: every pod's, host's and remote
    /// nodes'; all: any peer), CIDRs CIDR entries; deny rules deny entries. Default deny follows enableDefaultDeny.
    /// </summary>
    public static void AddCilium(EndpointPolicyMap map, ClusterPolicies cluster, PolicyIdentities identities, PolicyEndpoint e, PolicyDirection d)
    {
        if (cluster.Cilium.Count == 0) return;
        var labels = cluster.Endpoints.ToDictionary(x => x, x => CiliumPolicy.EndpointLabels(x, cluster.NamespaceLabels(x.Namespace)));
        foreach (var policy in cluster.Cilium)
        {
            if (!policy.EndpointSelector.Matches(labels[e])) continue;
            if (policy.DefaultDeny(d)) map.Isolated = true;
            foreach (var rule in policy.Allow(d)) AddRule(rule, cluster, identities, labels, map.AllowAnyPeer, map.Allow, map.AllowCidr);
            foreach (var rule in policy.Deny(d)) AddRule(rule, cluster, identities, labels, map.DenyAnyPeer, map.Deny, map.DenyCidr);
        }
    }

    private static void AddRule(CiliumRule rule, ClusterPolicies cluster, PolicyIdentities identities, Dictionary<PolicyEndpoint, Dictionary<string, string>> labels,
        Action<PortEntry> anyPeer, Action<uint, PortEntry> identity, Action<IpBlock, PortEntry> cidr)
    {
        IReadOnlyList<PortEntry> ports = rule.Ports.Count == 0 ? [PortEntry.Any] : rule.Ports;
        foreach (var port in ports)
        {
            if (!rule.HasPeers)
            {
                if (rule.Ports.Count > 0) anyPeer(port);
                continue;
            }
            foreach (var selector in rule.Endpoints)
                foreach (var pod in cluster.Endpoints)
                    if (selector.Matches(labels[pod])) identity(identities.Of(pod.Address), port);
            foreach (var entity in rule.Entities)
            {
                switch (entity)
                {
                    case "all": anyPeer(port); break;
                    case "world": identity(PolicyIdentities.World, port); break;
                    case "host": identity(PolicyIdentities.Host, port); break;
                    case "remote-node": identity(PolicyIdentities.RemoteNode, port); break;
                    case "cluster":
                        identity(PolicyIdentities.Host, port);
                        identity(PolicyIdentities.RemoteNode, port);
                        foreach (var pod in cluster.Endpoints) identity(identities.Of(pod.Address), port);
                        break;
                }
            }
            foreach (var block in rule.Cidrs) cidr(block, port);
        }
    }

    private static bool HasNamedPort(PolicyRule rule) => rule.Ports.Any(p => p.Name is not null);

    /// <summary>The rule's port entries with named ports resolved on <paramref name="destination"/> (dropped where it has no such port).</summary>
    private static IEnumerable<PortEntry> Ports(PolicyRule rule, PolicyEndpoint? destination)
    {
        if (rule.Ports.Count == 0)
        {
            yield return PortEntry.Any;
            yield break;
        }
        foreach (var p in rule.Ports)
        {
            if (p.Name is { } name)
            {
                int n = destination?.NamedPort(name, p.Protocol) ?? 0;
                if (n != 0) yield return new PortEntry(p.ProtocolNumber, (ushort)n, (ushort)n);
            }
            else if (p.Port == 0) yield return new PortEntry(p.ProtocolNumber, 0, ushort.MaxValue);
            else yield return new PortEntry(p.ProtocolNumber, (ushort)p.Port, (ushort)p.LastPort);
        }
    }
}
