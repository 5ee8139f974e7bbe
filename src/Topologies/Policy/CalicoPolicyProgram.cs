using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// The policy program Calico's eBPF dataplane generates for one endpoint and direction: the policies that apply, in
/// order, each a run of rules (a Kubernetes NetworkPolicy is its compiled allow map), evaluated until one rule Allows
/// or Denies; Pass leaves the tier for the profile (which allows), Log goes on; if policies applied and none decided,
/// the end of the tier drops. With no policy applying, the profile allows.
/// </summary>
public sealed class CalicoPolicyProgram
{
    private readonly List<(EndpointPolicyMap? Map, CalicoRuleMatcher[] Rules)> _policies = new();

    public CalicoPolicyProgram(CalicoEndpoints endpoints, ClusterPolicies cluster, PolicyIdentities identities, PolicyEndpoint e, PolicyDirection d)
    {
        foreach (var p in endpoints.Ordered(e, d))
        {
            if (p is NetworkPolicy np) _policies.Add((PolicyMapCompiler.Compile(cluster, identities, e, d, [np]), []));
            else if (p is CalicoPolicy cp) _policies.Add((null, cp.Rules(d).Select(r => new CalicoRuleMatcher(endpoints, cp, r)).ToArray()));
        }
    }

    public int Rules => _policies.Sum(p => p.Map?.Entries ?? p.Rules.Length);

    /// <summary>Whether a new connection is allowed; <paramref name="lookups"/> counts the set lookups it took.</summary>
    public bool Allows(uint identity, Ipv4Address src, Ipv4Address dst, Ipv4Address remote, byte protocol, ushort sport, ushort dport, ref int lookups)
    {
        if (_policies.Count == 0) return true;
        foreach (var (map, rules) in _policies)
        {
            if (map is not null)
            {
                lookups++;
                if (map.Allows(identity, remote, true, protocol, dport)) return true;
                continue;
            }
            foreach (var rule in rules)
            {
                if (!rule.Matches(src, dst, protocol, sport, dport, ref lookups)) continue;
                switch (rule.Action)
                {
                    case CalicoAction.Allow: return true;
                    case CalicoAction.Deny: return false;
                    case CalicoAction.Pass: return true; // the rest of the tier is skipped; the namespace profile allows
                }
            }
        }
        return false;
    }
}
