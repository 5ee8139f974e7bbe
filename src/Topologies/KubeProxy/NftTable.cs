using System.Text;
using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// "table ip kube-proxy": chains, the verdict maps (service-ips, service-nodeports, no-endpoint-services,
/// no-endpoint-nodeports, firewall-ips) and affinity sets, and the evaluator (nft_do_chain) its base-chain hooks
/// run. Each rule evaluated counts one <c>nftables.rule</c>; each map lookup (the named vmaps and the anonymous
/// numgen vmap) charges <c>nftables.lookup</c>, a hash lookup whose cost does not depend on how many Services
/// the map holds. NAT statements bind the connection through conntrack as nft_nat does (nf_nat_setup_info); the
/// packet is rewritten by the NAT hook that follows. Evaluation allocates nothing.
/// </summary>
public sealed class NftTable
{
    private const int MaxDepth = 16;
    private readonly Dictionary<string, NftChain> _chains = new(StringComparer.Ordinal);
    private readonly List<NftChain> _ordered = new();
    private readonly Dictionary<string, NftAffinityElements> _sets = new(StringComparer.Ordinal);
    private readonly NftChain[] _stackChain = new NftChain[MaxDepth];
    private readonly int[] _stackRule = new int[MaxDepth];
    private readonly Cost _lookup;
    private readonly Random _random;

    internal NftTable(NetworkNamespace ns, Random random)
    {
        Namespace = ns;
        _lookup = ns.Node.Costs[CostKeys.NftablesLookup];
        _random = random;
    }

    public NetworkNamespace Namespace { get; }
    public IReadOnlyList<NftChain> Chains => _ordered;

    /// <summary>ClusterIP traffic: (ClusterIP, protocol, port) → goto the service's chain.</summary>
    public Dictionary<ServiceFrontend, NftChain> ServiceIps { get; } = new();
    /// <summary>NodePort traffic: (any, protocol, nodePort) → goto the service's external chain.</summary>
    public Dictionary<ServiceFrontend, NftChain> ServiceNodePorts { get; } = new();
    /// <summary>Drop (no local endpoints) or goto reject-chain (no endpoints at all) for ClusterIPs.</summary>
    public Dictionary<ServiceFrontend, NftChain?> NoEndpointServices { get; } = new();
    /// <summary>The same for NodePorts.</summary>
    public Dictionary<ServiceFrontend, NftChain?> NoEndpointNodePorts { get; } = new();

    /// <summary>Elements in all verdict maps.</summary>
    public int MapElements => ServiceIps.Count + ServiceNodePorts.Count + NoEndpointServices.Count + NoEndpointNodePorts.Count;

    /// <summary>Rules in all chains.</summary>
    public int RuleCount
    {
        get
        {
            int n = 0;
            foreach (NftChain c in _ordered) n += c.Rules.Count;
            return n;
        }
    }

    /// <summary>The chain <paramref name="name"/>, created empty if it does not exist.</summary>
    public NftChain Chain(string name)
    {
        if (_chains.TryGetValue(name, out NftChain? c)) return c;
        c = new NftChain(name);
        _chains.Add(name, c);
        _ordered.Add(c);
        return c;
    }

    /// <summary>The chain <paramref name="name"/> of this table, the node's own or a shared one it lists.</summary>
    public bool TryGetChain(string name, out NftChain chain)
    {
        if (_chains.TryGetValue(name, out chain!)) return true;
        foreach (NftChain c in _ordered) // shared chains are not indexed per node (their names would cost every node)
            if (c.IsShared && c.Name == name)
            {
                chain = c;
                return true;
            }
        return false;
    }

    /// <summary>Lists the shared chain <paramref name="chain"/> in this table, in place of an own chain of that name.</summary>
    internal NftChain Attach(NftChain chain)
    {
        if (_chains.Remove(chain.Name, out NftChain? own)) _ordered.Remove(own);
        _ordered.Add(chain);
        return chain;
    }

    /// <summary>Declares the affinity set <paramref name="set"/> here: this node's elements, kept across syncs like the kernel's.</summary>
    internal void Declare(NftAffinitySet set)
    {
        if (_sets.TryGetValue(set.Name, out NftAffinityElements? e)) e.TimeoutPs = set.TimeoutPs;
        else _sets.Add(set.Name, new NftAffinityElements(set.TimeoutPs));
    }

    /// <summary>This node's elements of the affinity set <paramref name="name"/>, or null if it was never declared.</summary>
    public NftAffinityElements? Elements(string name) => _sets.GetValueOrDefault(name);

    /// <summary>Empties every chain of this node and every map, and stops listing shared chains (the start of a full sync).</summary>
    internal void FlushAll()
    {
        _ordered.RemoveAll(static c => c.IsShared);
        foreach (NftChain c in _ordered) c.Flush();
        ServiceIps.Clear();
        ServiceNodePorts.Clear();
        NoEndpointServices.Clear();
        NoEndpointNodePorts.Clear();
    }

    /// <summary>nft_do_chain from a base chain: rules in order, jump with return, goto without; the base chain's policy is accept.</summary>
    internal NfVerdict Run(NftChain baseChain, ref NfHookState s)
    {
        Packet p = s.Packet;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0) return NfVerdict.Accept;
        int l4 = PacketFields.TransportIndex(p, ip);
        NftChain chain = baseChain;
        int i = 0, sp = 0;
        while (true)
        {
            List<NftRule> rules = chain.RuleList;
            if (i >= rules.Count)
            {
                if (sp == 0) return NfVerdict.Accept;
                sp--;
                chain = _stackChain[sp];
                i = _stackRule[sp];
                continue;
            }
            NftRule rule = rules[i];
            s.RulesEvaluated++;
            s.NftRulesEvaluated++;
            NftChain? next = null;
            NftStep step = Evaluate(rule, ref s, ip, l4, ref next);
            switch (step)
            {
                case NftStep.Continue:
                    i++;
                    continue;
                case NftStep.Jump:
                    if (sp == MaxDepth) throw new InvalidOperationException($"nftables: jumps nested deeper than {MaxDepth} at {chain.Name}");
                    _stackChain[sp] = chain;
                    _stackRule[sp] = i + 1;
                    sp++;
                    chain = next!;
                    i = 0;
                    continue;
                case NftStep.Goto:
                    chain = next!;
                    i = 0;
                    continue;
                case NftStep.Return:
                    if (sp == 0) return NfVerdict.Accept;
                    sp--;
                    chain = _stackChain[sp];
                    i = _stackRule[sp];
                    continue;
                case NftStep.Accept:
                    return NfVerdict.Accept;
                case NftStep.Reject:
                    s.RejectWith = RejectWith.IcmpPortUnreachable;
                    s.DropReason = DropReason.NetfilterReject;
                    return NfVerdict.Reject;
                default:
                    s.DropReason = DropReason.NetfilterDrop;
                    return NfVerdict.Drop;
            }
        }
    }

    private NftStep Evaluate(NftRule r, ref NfHookState s, int ip, int l4, ref NftChain? next)
    {
        Packet p = s.Packet;
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        switch (r.Kind)
        {
            case NftRuleKind.Jump:
                if (r.OnlyNew && ConntrackRef.InfoOf(p.Conntrack) != ConntrackInfo.New) return NftStep.Continue;
                next = r.Target;
                return NftStep.Jump;
            case NftRuleKind.Goto:
                next = r.Target;
                return NftStep.Goto;
            case NftRuleKind.ServiceIpsMap:
                return Lookup(ServiceIps, ref s, iph.Destination, iph.Protocol, l4, ref next);
            case NftRuleKind.ServiceNodePortsMap:
                if (!IsLocal(iph.Destination)) return NftStep.Continue;
                return Lookup(ServiceNodePorts, ref s, Ipv4Address.Any, iph.Protocol, l4, ref next);
            case NftRuleKind.NoEndpointServicesMap:
                return LookupVerdict(NoEndpointServices, ref s, iph.Destination, iph.Protocol, l4, ref next);
            case NftRuleKind.NoEndpointNodePortsMap:
                if (!IsLocal(iph.Destination)) return NftStep.Continue;
                return LookupVerdict(NoEndpointNodePorts, ref s, Ipv4Address.Any, iph.Protocol, l4, ref next);
            case NftRuleKind.FirewallIpsMap:
                if (PacketFields.TryGetPorts(p, l4, out _, out _)) s.CostPs += _lookup.For(p.Length); // an empty map: no LoadBalancer source ranges
                return NftStep.Continue;
            case NftRuleKind.MasqueradeClusterIp:
                if (iph.Destination != r.Address || iph.Protocol != r.Protocol || !DestinationPortIs(p, l4, r.Port)) return NftStep.Continue;
                if (r.Prefix is { } cidr && cidr.Contains(iph.Source)) return NftStep.Continue;
                next = r.Target;
                return NftStep.Jump;
            case NftRuleKind.SourceAddressJump:
                if (iph.Source != r.Address) return NftStep.Continue;
                next = r.Target;
                return NftStep.Jump;
            case NftRuleKind.SourcePrefixGoto:
                if (!r.Prefix!.Value.Contains(iph.Source)) return NftStep.Continue;
                next = r.Target;
                return NftStep.Goto;
            case NftRuleKind.LocalSourceJump:
            case NftRuleKind.LocalSourceGoto:
                if (!Namespace.IsLocalAddress(iph.Source)) return NftStep.Continue;
                next = r.Target;
                return r.Kind == NftRuleKind.LocalSourceJump ? NftStep.Jump : NftStep.Goto;
            case NftRuleKind.AffinityGoto:
                if (!_sets[r.Set!.Name].Contains(iph.Source, Namespace.Node.Sim.NowPicoseconds)) return NftStep.Continue;
                next = r.Target;
                return NftStep.Goto;
            case NftRuleKind.AffinityUpdate:
                _sets[r.Set!.Name].Update(iph.Source, Namespace.Node.Sim.NowPicoseconds);
                return NftStep.Continue;
            case NftRuleKind.Numgen:
                s.CostPs += _lookup.For(p.Length);
                next = r.Targets[_random.Next(r.Targets.Count)];
                return NftStep.Goto;
            case NftRuleKind.Dnat:
                if (iph.Protocol != r.Protocol) return NftStep.Continue;
                if (p.Conntrack is ConntrackRef { Entry: { IsConfirmed: false } e } && !e.NatInitialized(NatManipType.Destination))
                    NfNat.Setup(Namespace.Conntrack, e, NatManipType.Destination, NatRange.To(r.Address, r.Port));
                return NftStep.Accept;
            case NftRuleKind.MarkOr:
                p.Mark |= r.Mark;
                return NftStep.Continue;
            case NftRuleKind.MarkClearReturn:
                return (p.Mark & r.Mark) == 0 ? NftStep.Return : NftStep.Continue;
            case NftRuleKind.MarkXor:
                p.Mark ^= r.Mark;
                return NftStep.Continue;
            case NftRuleKind.Masquerade:
                return Masquerade(ref s, iph.Destination);
            case NftRuleKind.Reject:
                return NftStep.Reject;
            default:
                return NftStep.Continue;
        }
    }

    private NftStep Lookup(Dictionary<ServiceFrontend, NftChain> map, ref NfHookState s, Ipv4Address address, byte protocol, int l4, ref NftChain? next)
    {
        if (!PacketFields.TryGetPorts(s.Packet, l4, out _, out ushort dport)) return NftStep.Continue;
        s.CostPs += _lookup.For(s.Packet.Length);
        if (!map.TryGetValue(new ServiceFrontend(address, protocol, dport), out NftChain? chain)) return NftStep.Continue;
        next = chain;
        return NftStep.Goto;
    }

    /// <summary>A no-endpoint vmap: "drop" (null) or "goto reject-chain".</summary>
    private NftStep LookupVerdict(Dictionary<ServiceFrontend, NftChain?> map, ref NfHookState s, Ipv4Address address, byte protocol, int l4, ref NftChain? next)
    {
        if (!PacketFields.TryGetPorts(s.Packet, l4, out _, out ushort dport)) return NftStep.Continue;
        s.CostPs += _lookup.For(s.Packet.Length);
        if (!map.TryGetValue(new ServiceFrontend(address, protocol, dport), out NftChain? chain)) return NftStep.Continue;
        if (chain is null) return NftStep.Drop;
        next = chain;
        return NftStep.Goto;
    }

    /// <summary>"masquerade fully-random": SNAT to the address the output device uses toward the next hop.</summary>
    private NftStep Masquerade(ref NfHookState s, Ipv4Address destination)
    {
        if (s.Hook != NfInetHook.PostRouting || s.Out is null) return NftStep.Drop;
        if (s.Packet.Conntrack is not ConntrackRef { Entry: { IsConfirmed: false } e } || e.NatInitialized(NatManipType.Source)) return NftStep.Accept;
        NetworkNamespace ns = Namespace;
        Ipv4Address nextHop = ns.LookupRoute(destination)?.NextHop(destination) ?? destination;
        Ipv4Address src = ns.SelectSourceAddress(s.Out, nextHop);
        if (src == Ipv4Address.Any) return NftStep.Drop;
        NfNat.Setup(ns.Conntrack, e, NatManipType.Source, new NatRange(src, src, 0, 0, NatRangeOptions.RandomFully));
        return NftStep.Accept;
    }

    private bool IsLocal(Ipv4Address a) => a.Value >> 24 != 127 && Namespace.IsLocalAddress(a);

    private static bool DestinationPortIs(Packet p, int l4, ushort port) => PacketFields.TryGetPorts(p, l4, out _, out ushort dp) && dp == port;

    /// <summary>The table as "nft list table ip kube-proxy" would print it (chains and rules; maps as element counts).</summary>
    public override string ToString()
    {
        var b = new StringBuilder("table ip kube-proxy {\n");
        foreach (NftChain c in _ordered)
        {
            b.Append("\tchain ").Append(c.Name).Append(" {\n");
            foreach (NftRule r in c.Rules) b.Append("\t\t").Append(r).Append('\n');
            b.Append("\t}\n");
        }
        return b.Append('}').ToString();
    }

    private enum NftStep
    {
        Continue,
        Jump,
        Goto,
        Return,
        Accept,
        Drop,
        Reject,
    }
}
