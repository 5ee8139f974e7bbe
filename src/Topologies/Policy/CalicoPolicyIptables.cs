using NetSim.Datapaths.Netfilter;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.Policy;

/// <summary>
/// Felix's rendering of Kubernetes NetworkPolicy in the iptables dataplane (Calico 3.x, felix/rules/policy.go): one
/// chain per policy and direction, cali-pi-… (ingress) and cali-po-… (egress), with a rule per (peer, port) that sets
/// the accept mark bit and a rule that returns once it is set; selector peers are ipsets of pod addresses (cali40s:…,
/// matched on the source for ingress, the destination for egress), named ports ipsets of (address, protocol, port)
/// (cali40n:…), ipBlocks source/destination CIDRs (an except becomes a sub-chain that returns for the excepted CIDRs
/// before the CIDR rule: NetSim's rendering of Felix's not-nets match). The per-endpoint chains jump to the policies
/// that select the endpoint, return when one accepted, and drop otherwise.
/// </summary>
public sealed class CalicoPolicyIptables
{
    /// <summary>Felix's "accept" mark bit (0x10000), as in cali-fw-/cali-tw- chains.</summary>
    public const uint AcceptMark = 0x10000;

    /// <summary>Felix's "pass" mark bit (0x20000): a Pass rule ends the tier; the endpoint's profile decides.</summary>
    public const uint PassMark = 0x20000;

    private readonly ClusterPolicies _cluster;
    private readonly IptTable _filter;
    private readonly Dictionary<(NetworkPolicy, PolicyDirection), IptChain> _chains = new();
    private readonly Dictionary<string, IpSet> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<(CalicoPolicy, PolicyDirection), IptChain> _calicoChains = new();
    private readonly CalicoEndpoints? _calico;

    public CalicoPolicyIptables(ClusterPolicies cluster, IptTable filter)
    {
        _cluster = cluster;
        _filter = filter;
        if (cluster.Calico.Count > 0) _calico = new CalicoEndpoints(cluster);
    }

    public int IpSetMembers => _sets.Values.Sum(s => s.Count);

    /// <summary>The policy chains the endpoint's chain jumps to for direction <paramref name="d"/> (empty: not isolated).</summary>
    public IReadOnlyList<IptChain> ChainsFor(PolicyEndpoint e, PolicyDirection d) =>
        _cluster.Selecting(e, d).Select(p => Chain(p, d)).ToList();

    /// <summary>
    /// Appends the policy part of a workload chain: jump to each selecting policy, return if one accepted, else drop.
    /// Returns false when no policy isolates the endpoint in that direction (the profile applies, as before).
    /// </summary>
    public bool AppendEndpointPolicies(IptChain workloadChain, PolicyEndpoint e, PolicyDirection d)
    {
        if (_calico is not null)
        {
            AppendTier(workloadChain, e, d);
            return false;
        }
        var chains = ChainsFor(e, d);
        if (chains.Count == 0) return false;
        foreach (var c in chains)
        {
            workloadChain.Append(new IptRule { Target = StandardTarget.Jump(c) });
            workloadChain.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Return, Comment = "Return if policy accepted" });
        }
        workloadChain.Append(new IptRule { Target = PolicyDropTarget.Instance, Comment = "Drop if no policies passed packet" });
        return true;
    }

    private IptChain Chain(NetworkPolicy policy, PolicyDirection d)
    {
        if (_chains.TryGetValue((policy, d), out var existing)) return existing;
        var chain = _filter.GetOrCreateChain($"cali-{(d == PolicyDirection.Ingress ? "pi" : "po")}-_{Hash($"{policy.Namespace}/{policy.Name}")}");
        _chains[(policy, d)] = chain;
        bool ingress = d == PolicyDirection.Ingress;
        var rules = policy.Rules(d);
        for (int r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var peers = rule.Peers.Count == 0 ? [null] : rule.Peers.Cast<PolicyPeer?>().ToList();
            var ports = rule.Ports.Count == 0 ? [null] : rule.Ports.Cast<PolicyPort?>().ToList();
            for (int i = 0; i < peers.Count; i++)
                foreach (var port in ports)
                    AppendRule(chain, policy, peers[i], port, ingress, $"{policy.Namespace}/{policy.Name} {d} rule {r} peer {i}");
        }
        return chain;
    }

    private void AppendRule(IptChain chain, NetworkPolicy policy, PolicyPeer? peer, PolicyPort? port, bool ingress, string comment)
    {
        var matches = new List<NfMatch>();
        if (peer is { PodSelector: not null } or { NamespaceSelector: not null })
            matches.Add(new IpSetMatch(SelectorSet(policy, peer)) { MatchSource = ingress, ChargeLookup = true });
        byte protocol = port?.ProtocolNumber ?? 0;
        PortRange? dport = null;
        if (port is { Name: not null }) matches.Add(new IpSetMatch(NamedPortSet(policy, peer, port, ingress)) { ChargeLookup = true });
        else if (port is { Port: > 0 }) dport = new PortRange((ushort)port.Port, (ushort)port.LastPort);
        var block = peer?.IpBlock;
        var target = block is { Except.Count: > 0 } ? StandardTarget.Jump(ExceptChain(chain, block, ingress, comment)) : (NfTarget)MarkTarget.SetXMark(AcceptMark, AcceptMark);
        chain.Append(new IptRule
        {
            Source = ingress ? block?.Cidr : null,
            Destination = ingress ? null : block?.Cidr,
            Protocol = protocol,
            DestinationPort = dport,
            Matches = matches,
            Target = target,
            Comment = comment,
        });
        chain.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Return });
    }

    /// <summary>The CIDR's excepted parts return unmarked; the rest is marked accepted.</summary>
    private IptChain ExceptChain(IptChain parent, IpBlock block, bool ingress, string comment)
    {
        var chain = _filter.GetOrCreateChain($"cali-px-{Hash($"{parent.Name}/{parent.Rules.Count}")}");
        foreach (var e in block.Except)
            chain.Append(new IptRule { Source = ingress ? e : null, Destination = ingress ? null : e, Target = StandardTarget.Return, Comment = $"{comment} except" });
        chain.Append(new IptRule { Target = MarkTarget.SetXMark(AcceptMark, AcceptMark) });
        return chain;
    }

    /// <summary>Felix names chains by a hash of the policy's name, since iptables chain names have at most 28 characters.</summary>
    private static string Hash(string s) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)))[..16].Replace('+', '-').Replace('/', '_');

    /// <summary>cali40s:…: the addresses of the pods a selector peer names (updated by Felix as pods come and go).</summary>
    private IpSet SelectorSet(NetworkPolicy policy, PolicyPeer peer)
    {
        string name = $"cali40s:{policy.Namespace}:{peer.NamespaceSelector}:{peer.PodSelector}";
        if (_sets.TryGetValue(name, out var set)) return set;
        set = _sets[name] = new IpSet(name, IpSetType.HashIp);
        foreach (var e in _cluster.PeerPods(policy, peer)) set.Add(e.Address);
        return set;
    }

    /// <summary>cali40n:…: (address, protocol, port) of the destination pods that have the named port (the selected pods for ingress, the peer's pods for egress).</summary>
    private IpSet NamedPortSet(NetworkPolicy policy, PolicyPeer? peer, PolicyPort port, bool ingress)
    {
        string name = $"cali40n:{policy.Namespace}/{policy.Name}:{(ingress ? "in" : "out")}:{peer?.NamespaceSelector}:{peer?.PodSelector}:{port.Protocol}:{port.Name}";
        if (_sets.TryGetValue(name, out var set)) return set;
        set = _sets[name] = new IpSet(name, IpSetType.HashIpPort);
        var destinations = ingress ? _cluster.Endpoints.Where(e => e.Namespace == policy.Namespace && policy.PodSelector.Matches(e.Labels))
            : peer is { PodSelector: not null } or { NamespaceSelector: not null } ? _cluster.PeerPods(policy, peer) : _cluster.Endpoints;
        foreach (var e in destinations)
            if (e.NamedPort(port.Name!, port.Protocol) is var n and > 0) set.Add(e.Address, port.ProtocolNumber, (ushort)n);
        return set;
    }

    /// <summary>
    /// The default tier of an endpoint with Calico policies (Felix's rendering): clear the pass bit, then for each
    /// policy in order jump to its chain unless a Pass happened and return once one accepted; a Deny drops inside the
    /// policy chain; if policies applied and none passed the packet, drop. After a Pass the profile follows.
    /// </summary>
    private void AppendTier(IptChain chain, PolicyEndpoint e, PolicyDirection d)
    {
        var ordered = _calico!.Ordered(e, d);
        if (ordered.Count == 0) return;
        chain.Append(new IptRule { Target = MarkTarget.SetXMark(0, PassMark), Comment = "Start of tier default" });
        foreach (var p in ordered)
        {
            var target = p is CalicoPolicy cp ? CalicoChain(cp, d) : Chain((NetworkPolicy)p, d);
            chain.Append(new IptRule { Matches = [new MarkMatch(0, PassMark)], Target = StandardTarget.Jump(target) });
            chain.Append(new IptRule { Matches = [new MarkMatch(AcceptMark, AcceptMark)], Target = StandardTarget.Return, Comment = "Return if policy accepted" });
        }
        chain.Append(new IptRule { Matches = [new MarkMatch(0, PassMark)], Target = PolicyDropTarget.Instance, Comment = "Drop if no policies passed packet" });
    }

    /// <summary>A Calico policy's chain: its rules in order, each Allow / Pass setting its mark and returning, Deny dropping, Log only counting.</summary>
    private IptChain CalicoChain(CalicoPolicy policy, PolicyDirection d)
    {
        if (_calicoChains.TryGetValue((policy, d), out var existing)) return existing;
        string id = policy.IsGlobal ? policy.Name : $"{policy.Namespace}/{policy.Name}";
        var chain = _filter.GetOrCreateChain($"cali-{(d == PolicyDirection.Ingress ? "pi" : "po")}-{Hash($"{policy.Kind}/{id}")}");
        _calicoChains[(policy, d)] = chain;
        var rules = policy.Rules(d);
        for (int r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var matches = new List<NfMatch>();
            AddEntity(matches, policy, rule.Source, true);
            AddEntity(matches, policy, rule.Destination, false);
            string comment = $"{policy.Kind} {id} {d} rule {r} {rule.Action}";
            var (target, mark) = rule.Action switch
            {
                CalicoAction.Allow => ((NfTarget?)MarkTarget.SetXMark(AcceptMark, AcceptMark), AcceptMark),
                CalicoAction.Pass => (MarkTarget.SetXMark(PassMark, PassMark), PassMark),
                CalicoAction.Deny => (PolicyDropTarget.Instance, 0u),
                _ => (null, 0u),
            };
            chain.Append(new IptRule
            {
                Protocol = rule.Protocol != 0 ? rule.Protocol : rule.NotProtocol,
                ProtocolInvert = rule.Protocol == 0 && rule.NotProtocol != 0,
                Matches = matches,
                Target = target,
                Comment = comment,
            });
            if (mark != 0) chain.Append(new IptRule { Matches = [new MarkMatch(mark, mark)], Target = StandardTarget.Return });
        }
        return chain;
    }

    private void AddEntity(List<NfMatch> matches, CalicoPolicy policy, CalicoEntityRule r, bool source)
    {
        if (r.Nets.Count > 0) matches.Add(new NetSetMatch(r.Nets, source));
        if (r.NotNets.Count > 0) matches.Add(new NetSetMatch(r.NotNets, source) { Invert = true });
        if (r.SelectsEndpoints) matches.Add(new IpSetMatch(MemberSet(policy, r, false)) { MatchSource = source, ChargeLookup = true });
        if (r.NotSelector is not null) matches.Add(new IpSetMatch(MemberSet(policy, r, true)) { MatchSource = source, ChargeLookup = true, Invert = true });
        if (r.Ports.Count > 0) matches.Add(new PortListMatch(r.Ports, source));
        if (r.NotPorts.Count > 0) matches.Add(new PortListMatch(r.NotPorts, source) { Invert = true });
    }

    /// <summary>cali40s:…: the addresses of the endpoints a Calico rule's selectors (or notSelector) name.</summary>
    private IpSet MemberSet(CalicoPolicy policy, CalicoEntityRule r, bool not)
    {
        string scope = policy.IsGlobal ? "" : policy.Namespace;
        string name = not ? $"cali40s:{scope}:!{r.NotSelector}" : $"cali40s:{scope}:{r.NamespaceSelector}:{r.Selector}:{string.Join(",", r.ServiceAccountNames)}:{r.ServiceAccountSelector}";
        if (_sets.TryGetValue(name, out var set)) return set;
        set = _sets[name] = new IpSet(name, IpSetType.HashIp);
        foreach (var a in not ? _calico!.NotMembers(policy, r) : _calico!.Members(policy, r)) set.Add(a);
        return set;
    }
}
