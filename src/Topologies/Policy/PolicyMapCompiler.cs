namespace NetSim.Topologies.Policy;

/// <summary>
/// Compiles the policies selecting one endpoint into its policy map for one direction, the way an eBPF agent turns
/// selectors into identities: a selector peer becomes the identities of the pods it selects, a rule without peers
/// an any-peer entry, an ipBlock a CIDR entry; ports become protocol + port-range entries, named ports resolved on
/// the destination pod (the endpoint itself for ingress, each peer pod for egress).
/// </summary>
public static class PolicyMapCompiler
{
    public static EndpointPolicyMap Compile(ClusterPolicies cluster, PolicyIdentities identities, PolicyEndpoint e, PolicyDirection d)
    {
        var selecting = cluster.Selecting(e, d).ToList();
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
