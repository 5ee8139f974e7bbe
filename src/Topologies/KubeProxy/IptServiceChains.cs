using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The nat chains one Service port gets from kube-proxy's iptables mode (KUBE-SVC-, KUBE-EXT- and its KUBE-SEP-
/// chains) when it has no Local traffic policy: its endpoints are then categorised the same on every node, and the
/// rules hold no node's state (counters are each table's, the statistic draws come from the node's stream and the
/// recent lists are looked up by name in the node's namespace), so they are written once per <see cref="ServicePort"/>
/// and cluster-wide settings and listed by every node's nat table. Service ports with a Local policy get chains of
/// each node's own: copy-on-write at the granularity of a Service port.
/// </summary>
internal sealed class IptServiceChains
{
    private static readonly ConditionalWeakTable<ServicePort, IptServiceChains> Written = new();
    private static readonly ConditionalWeakTable<IptChain, StandardTarget> Jumps = new();
    private static readonly ConcurrentDictionary<uint, IptChain> MarkChains = new();

    private readonly Dictionary<string, IptChain> _byName = new(StringComparer.Ordinal);
    private readonly List<IptChain> _ordered = new(4);
    private readonly List<string> _recentLists = new();

    public IptServiceChains(Settings settings) => For = settings;

    /// <summary>The cluster-wide settings the rules were written with.</summary>
    public Settings For { get; }
    /// <summary>The chains, in the order the sync created them.</summary>
    public IReadOnlyList<IptChain> Ordered => _ordered;
    /// <summary>The xt_recent lists the rules name (ClientIP affinity): every listing node must have them.</summary>
    public IReadOnlyList<string> RecentLists => _recentLists;
    /// <summary>Rules in the chains (iptables-save's count on each listing node).</summary>
    public int RuleCount { get; set; }

    /// <summary>What, besides the Service port, the chains depend on.</summary>
    internal readonly record struct Settings(uint Mark, bool MasqueradeAll, Ipv4Prefix ClusterCidr, bool LargeCluster);

    /// <summary>The chains written for <paramref name="svc"/> with <paramref name="settings"/>, or null (to be written).</summary>
    public static IptServiceChains? Cached(ServicePort svc, Settings settings) =>
        Written.TryGetValue(svc, out IptServiceChains? c) && c.For == settings ? c : null;

    /// <summary>Keeps <paramref name="chains"/>, just written, for the next nodes (the first writer wins a race).</summary>
    public static void Publish(ServicePort svc, IptServiceChains chains) => Written.TryAdd(svc, chains);

    /// <summary>KUBE-MARK-MASQ for <paramref name="mark"/> ("-j MARK --or-mark M"), one for every node.</summary>
    public static IptChain MarkForMasquerade(uint mark) => MarkChains.GetOrAdd(mark, static m =>
    {
        IptChain c = IptChain.Shared(IptTableKind.Nat, "KUBE-MARK-MASQ");
        c.Append(new IptRule { Target = MarkTarget.Or(m) });
        return c;
    });

    /// <summary>"-j CHAIN" to a shared chain: one target object for every node's rules.</summary>
    public static StandardTarget JumpTo(IptChain shared) => Jumps.GetValue(shared, static c => StandardTarget.Jump(c));

    /// <summary>The chain <paramref name="name"/> of these, created if needed.</summary>
    public IptChain Chain(string name)
    {
        if (_byName.TryGetValue(name, out IptChain? c)) return c;
        c = IptChain.Shared(IptTableKind.Nat, name);
        _byName.Add(name, c);
        _ordered.Add(c);
        return c;
    }

    /// <summary>Records that the rules use the recent list <paramref name="name"/>.</summary>
    public void UsesRecentList(string name)
    {
        if (!_recentLists.Contains(name)) _recentLists.Add(name);
    }
}
