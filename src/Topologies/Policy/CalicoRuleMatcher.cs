using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// One Calico rule compiled for a dataplane: its selectors resolved to address sets (the ipsets Felix programs, the
/// IP-set maps of the eBPF dataplane), its nets, ports and protocol as given. Matching is on the packet's own source
/// and destination, whatever the direction, and allocates nothing; each set membership test counts as one lookup.
/// </summary>
public sealed class CalicoRuleMatcher
{
    private readonly CalicoRule _rule;
    private readonly HashSet<Ipv4Address>? _srcMembers, _srcNotMembers, _dstMembers, _dstNotMembers;

    public CalicoRuleMatcher(CalicoEndpoints endpoints, CalicoPolicy policy, CalicoRule rule)
    {
        _rule = rule;
        _srcMembers = rule.Source.SelectsEndpoints ? [.. endpoints.Members(policy, rule.Source)] : null;
        _srcNotMembers = rule.Source.NotSelector is null ? null : [.. endpoints.NotMembers(policy, rule.Source)];
        _dstMembers = rule.Destination.SelectsEndpoints ? [.. endpoints.Members(policy, rule.Destination)] : null;
        _dstNotMembers = rule.Destination.NotSelector is null ? null : [.. endpoints.NotMembers(policy, rule.Destination)];
    }

    public CalicoAction Action => _rule.Action;

    public bool Matches(Ipv4Address src, Ipv4Address dst, byte protocol, ushort sport, ushort dport, ref int lookups)
    {
        if (_rule.Protocol != 0 && _rule.Protocol != protocol) return false;
        if (_rule.NotProtocol != 0 && _rule.NotProtocol == protocol) return false;
        return Entity(_rule.Source, _srcMembers, _srcNotMembers, src, sport, ref lookups)
            && Entity(_rule.Destination, _dstMembers, _dstNotMembers, dst, dport, ref lookups);
    }

    private static bool Entity(CalicoEntityRule r, HashSet<Ipv4Address>? members, HashSet<Ipv4Address>? notMembers, Ipv4Address address, ushort port, ref int lookups)
    {
        if (r.Nets.Count > 0 && !AnyContains(r.Nets, address)) return false;
        if (r.NotNets.Count > 0 && AnyContains(r.NotNets, address)) return false;
        if (r.Ports.Count > 0 && !AnyPort(r.Ports, port)) return false;
        if (r.NotPorts.Count > 0 && AnyPort(r.NotPorts, port)) return false;
        if (members is not null)
        {
            lookups++;
            if (!members.Contains(address)) return false;
        }
        if (notMembers is not null)
        {
            lookups++;
            if (notMembers.Contains(address)) return false;
        }
        return true;
    }

    private static bool AnyContains(IReadOnlyList<Ipv4Prefix> nets, Ipv4Address a)
    {
        for (int i = 0; i < nets.Count; i++)
            if (nets[i].Contains(a)) return true;
        return false;
    }

    private static bool AnyPort(IReadOnlyList<PortEntry> ports, ushort port)
    {
        for (int i = 0; i < ports.Count; i++)
            if (ports[i].Matches(0, port)) return true;
        return false;
    }
}
