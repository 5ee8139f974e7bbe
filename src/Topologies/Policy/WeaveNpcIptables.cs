using NetSim.Datapaths.Netfilter;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.Policy;

/// <summary>
/// weave-npc, Weave Net's NetworkPolicy controller (weaveworks/weave prog/weave-npc, npc/; docs/weavenpc-design.md), as
/// it programs a node's filter table: ipsets of pod addresses (per namespace the pods no policy isolates, "default
/// allow" for ingress and for egress; per pod selector; per namespace selector the pods of the matching namespaces) and
/// the chains
/// <list type="bullet">
/// <item>WEAVE-NPC (frames out of the weave bridge to a local pod): established and related accepted; a frame bridged
/// out to vethwe-bridge (another node's pod, whose node enforces its ingress) accepted; NEW through WEAVE-NPC-DEFAULT
/// (accept to a pod no policy isolates) and WEAVE-NPC-INGRESS (a rule per policy ingress peer and port: accept);
/// what falls through is dropped by the FORWARD rule after the jump.</item>
/// <item>WEAVE-NPC-EGRESS (frames from the weave bridge, forwarded or to the node): established accepted; frames
/// from vethwe-bridge (other nodes' pods) and to the node's own addresses return; NEW through WEAVE-NPC-EGRESS-DEFAULT
/// (pods no policy isolates for egress) and WEAVE-NPC-EGRESS-CUSTOM (a rule per policy egress peer and port), both
/// marking accepted traffic 0x40000 and returning; once an egress policy exists, unmarked traffic is dropped.</item>
/// </list>
/// FORWARD is fed at its top (before kube-proxy's): -i weave to WEAVE-NPC-EGRESS, -o weave to WEAVE-NPC, -o weave DROP,
/// -i weave ! -o weave ACCEPT, -o weave established ACCEPT; INPUT: -i weave to WEAVE-NPC-EGRESS. What weave-npc does
/// not support is modelled as it behaves: a policy with a named port is rejected whole (analyser.go), so it isolates
/// nothing; endPort is ignored (only the port is matched); a port without protocol is TCP.
/// </summary>
public sealed class WeaveNpcIptables
{
    /// <summary>The egress "accepted" mark (npc/constants.go EgressMark 0x40000/0x40000).</summary>
    public const uint EgressMark = 0x40000;
    /// <summary>Comments of the feeder rules weave keeps at the top of FORWARD and INPUT.</summary>
    public const string FeederComment = "weave-npc";

    private readonly ClusterPolicies _cluster;
    private readonly IptTable _filter;
    private readonly Dictionary<string, IpSet> _sets = new(StringComparer.Ordinal);

    public WeaveNpcIptables(ClusterPolicies cluster, IptTable filter)
    {
        _cluster = cluster;
        _filter = filter;
    }

    public int IpSetMembers => _sets.Values.Sum(s => s.Count);

    /// <summary>Whether weave-npc accepts <paramref name="p"/>: a named port anywhere in it rejects the whole policy.</summary>
    public static bool Supports(NetworkPolicy p) =>
        !p.Ingress.Concat(p.Egress).SelectMany(r => r.Ports).Any(port => port.Name is not null);

    /// <summary>Programs the node's filter table with the bridge's name and the router's port on it.</summary>
    public void Install(string bridge = "weave", string routerPort = "vethwe-bridge")
    {
        var policies = _cluster.Policies.Where(Supports).ToList();
        var npc = _filter.GetOrCreateChain("WEAVE-NPC");
        var defaults = _filter.GetOrCreateChain("WEAVE-NPC-DEFAULT");
        var ingress = _filter.GetOrCreateChain("WEAVE-NPC-INGRESS");
        var egress = _filter.GetOrCreateChain("WEAVE-NPC-EGRESS");
        var egressDefault = _filter.GetOrCreateChain("WEAVE-NPC-EGRESS-DEFAULT");
        var egressCustom = _filter.GetOrCreateChain("WEAVE-NPC-EGRESS-CUSTOM");
        var egressAccept = _filter.GetOrCreateChain("WEAVE-NPC-EGRESS-ACCEPT");

        var established = new ConntrackStateMatch(CtState.Related | CtState.Established);
        var isNew = new ConntrackStateMatch(CtState.New);
        var unmarked = new MarkMatch(EgressMark, EgressMark) { Invert = true };
        npc.Append(new IptRule { Matches = [established], Target = StandardTarget.Accept });
        npc.Append(new IptRule { Matches = [new PhysdevMatch { IsBridged = true, Out = routerPort }], Target = StandardTarget.Accept });
        npc.Append(new IptRule { Matches = [isNew], Target = StandardTarget.Jump(defaults) });
        npc.Append(new IptRule { Matches = [isNew], Target = StandardTarget.Jump(ingress) });
        egressAccept.Append(new IptRule { Target = MarkTarget.SetXMark(EgressMark, EgressMark) });
        egress.Append(new IptRule { Matches = [established], Target = StandardTarget.Accept });
        egress.Append(new IptRule { Matches = [new PhysdevMatch { IsBridged = true, In = routerPort }], Target = StandardTarget.Return });
        egress.Append(new IptRule { Matches = [new AddrTypeMatch { DestinationType = AddrType.Local }], Target = StandardTarget.Return });
        egress.Append(new IptRule { Matches = [isNew], Target = StandardTarget.Jump(egressDefault) });
        egress.Append(new IptRule { Matches = [isNew, unmarked], Target = StandardTarget.Jump(egressCustom) });
        // controller.go adds the default egress drop lazily, with the first policy that has egress.
        if (policies.Any(p => p.IsolatesEgress))
            egress.Append(new IptRule { Matches = [unmarked], Target = PolicyDropTarget.Instance, Comment = "default egress drop" });

        foreach (string ns in _cluster.Endpoints.Select(e => e.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var inAllow = DefaultAllow(ns, PolicyDirection.Ingress, policies);
            var outAllow = DefaultAllow(ns, PolicyDirection.Egress, policies);
            string comment = $"DefaultAllow isolation for namespace: {ns}";
            defaults.Append(new IptRule { Matches = [new IpSetMatch(inAllow) { ChargeLookup = true }], Target = StandardTarget.Accept, Comment = comment });
            egressDefault.Append(new IptRule { Matches = [new IpSetMatch(outAllow) { MatchSource = true, ChargeLookup = true }], Target = StandardTarget.Jump(egressAccept), Comment = comment });
            egressDefault.Append(new IptRule { Matches = [new IpSetMatch(outAllow) { MatchSource = true, ChargeLookup = true }], Target = StandardTarget.Return, Comment = comment });
        }
        foreach (var p in policies)
        {
            var target = Set($"{p.Namespace}:pods:{p.PodSelector}", _cluster.Endpoints.Where(e => e.Namespace == p.Namespace && p.PodSelector.Matches(e.Labels)));
            if (p.IsolatesIngress)
                foreach (var (matches, block, proto, dport) in Rules(p, PolicyDirection.Ingress, target))
                    ingress.Append(new IptRule { Source = block, Protocol = proto, DestinationPort = dport, Matches = matches, Target = StandardTarget.Accept, Comment = $"{p.Namespace}/{p.Name} ingress" });
            if (p.IsolatesEgress)
                foreach (var (matches, block, proto, dport) in Rules(p, PolicyDirection.Egress, target))
                {
                    egressCustom.Append(new IptRule { Destination = block, Protocol = proto, DestinationPort = dport, Matches = matches, Target = StandardTarget.Jump(egressAccept), Comment = $"{p.Namespace}/{p.Name} egress" });
                    egressCustom.Append(new IptRule { Destination = block, Protocol = proto, DestinationPort = dport, Matches = matches, Target = StandardTarget.Return, Comment = $"{p.Namespace}/{p.Name} egress" });
                }
        }

        // net/bridge.go ConfigureIPTables with NPC: at the top of FORWARD, in this order (INPUT: egress of traffic to the node).
        var forward = _filter.Builtin(NfInetHook.Forward);
        IptRule[] feeders =
        [
            new() { InInterface = bridge, Target = StandardTarget.Jump(egress), Comment = FeederComment },
            new() { OutInterface = bridge, Target = StandardTarget.Jump(npc), Comment = FeederComment },
            new() { OutInterface = bridge, Target = PolicyDropTarget.Instance, Comment = FeederComment },
            new() { InInterface = bridge, OutInterface = bridge, OutInterfaceInvert = true, Target = StandardTarget.Accept, Comment = FeederComment },
            new() { OutInterface = bridge, Matches = [established], Target = StandardTarget.Accept, Comment = FeederComment },
        ];
        for (int i = 0; i < feeders.Length; i++) forward.Insert(i, feeders[i]);
        _filter.Builtin(NfInetHook.LocalIn).Insert(0, new IptRule { InInterface = bridge, Target = StandardTarget.Jump(egress), Comment = FeederComment });
    }

    /// <summary>A namespace's default-allow set for <paramref name="d"/>: its pods that no (supported) policy isolates in that direction.</summary>
    private IpSet DefaultAllow(string ns, PolicyDirection d, List<NetworkPolicy> policies) =>
        Set($"{(d == PolicyDirection.Ingress ? "ingress" : "egress")}-default-allow:{ns}",
            _cluster.Endpoints.Where(e => e.Namespace == ns && !policies.Any(p => p.Namespace == ns && p.Isolates(d) && p.PodSelector.Matches(e.Labels))));

    /// <summary>
    /// One rule spec per (peer, port) of each rule (analyser.go): the target pods' set on the destination for ingress,
    /// the source for egress; a selector peer's set on the other side, an ipBlock as -s/-d with its except as a negated
    /// net match; -p and --dport per port (TCP when the protocol is left out, the port alone: endPort is not read).
    /// </summary>
    private IEnumerable<(List<NfMatch> Matches, Engine.Addressing.Ipv4Prefix? Block, byte Protocol, PortRange? Port)> Rules(NetworkPolicy p, PolicyDirection d, IpSet target)
    {
        bool ingress = d == PolicyDirection.Ingress;
        foreach (var rule in p.Rules(d))
        {
            var peers = rule.Peers.Count == 0 ? [null] : rule.Peers.Cast<PolicyPeer?>().ToList();
            var ports = rule.Ports.Count == 0 ? [null] : rule.Ports.Cast<PolicyPort?>().ToList();
            foreach (var peer in peers)
                foreach (var port in ports)
                {
                    var matches = new List<NfMatch>();
                    Engine.Addressing.Ipv4Prefix? block = null;
                    if (peer?.IpBlock is { } b)
                    {
                        block = b.Cidr;
                        if (b.Except.Count > 0) matches.Add(new NetSetMatch(b.Except, ingress) { Invert = true });
                    }
                    else if (peer is not null)
                        matches.Add(new IpSetMatch(PeerSet(p, peer)) { MatchSource = ingress, ChargeLookup = true });
                    matches.Add(new IpSetMatch(target) { MatchSource = !ingress, ChargeLookup = true });
                    byte proto = port is null ? (byte)0 : port.ProtocolNumber;
                    PortRange? dport = port is { Port: > 0 } ? new PortRange((ushort)port.Port) : null;
                    yield return (matches, block, proto, dport);
                }
        }
    }

    /// <summary>A selector peer's pods: a pod selector in the policy's namespace, a namespace selector's namespaces, or both.</summary>
    private IpSet PeerSet(NetworkPolicy p, PolicyPeer peer) =>
        Set(peer.NamespaceSelector is null ? $"{p.Namespace}:pods:{peer.PodSelector}" : $"ns:{peer.NamespaceSelector}:pods:{peer.PodSelector}", _cluster.PeerPods(p, peer));

    /// <summary>weave-…: a hash:ip set by its selector (names hashed in weave-npc; kept readable here).</summary>
    private IpSet Set(string key, IEnumerable<PolicyEndpoint> members)
    {
        string name = "weave-" + key;
        if (_sets.TryGetValue(name, out var set)) return set;
        set = _sets[name] = new IpSet(name, IpSetType.HashIp);
        foreach (var e in members) set.Add(e.Address);
        return set;
    }
}
