using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The chains one Service port gets in kube-proxy's nftables table (service-, local-, external- and its endpoint-
/// chains, with the affinity sets they name), as one node's sync writes them. A Service port without Local traffic
/// policies gets the same chains on every node (its endpoints are categorised the same everywhere, and its rules hold
/// no node's state: affinity elements and numgen's random stream are the evaluating table's), so those are written
/// once per <see cref="ServicePort"/> and cluster-wide settings and listed by every node: copy-on-write at the
/// granularity of a Service port, the node-local ones (Local policies) being written by each node into its own table.
/// </summary>
internal sealed class NftServiceChains
{
    private static readonly ConditionalWeakTable<ServicePort, NftServiceChains> Shared = new();
    private static readonly ConcurrentDictionary<uint, NftChain> MarkChains = new();

    private readonly List<NftChain> _ordered = new(4);

    private NftServiceChains(uint mark, Ipv4Prefix? masqueradeSource)
    {
        Mark = mark;
        MasqueradeSource = masqueradeSource;
    }

    /// <summary>The chains in the order the sync created them.</summary>
    public IReadOnlyList<NftChain> Ordered => _ordered;
    /// <summary>The affinity sets the rules name (empty without ClientIP affinity).</summary>
    public NftAffinitySet[] Sets { get; private set; } = [];
    private uint Mark { get; }
    private Ipv4Prefix? MasqueradeSource { get; }

    /// <summary>The "mark-for-masquerade" chain of mark <paramref name="mark"/> ("mark set mark or M"), one for every node and Service.</summary>
    public static NftChain MarkForMasquerade(uint mark) => MarkChains.GetOrAdd(mark, static m =>
    {
        var c = new NftChain("mark-for-masquerade", shared: true);
        c.Add(new NftRule { Kind = NftRuleKind.MarkOr, Mark = m });
        return c;
    });

    /// <summary>
    /// The shared chains of <paramref name="svc"/> (no Local policies), written by the first node that asks; a node with
    /// other cluster-wide settings (mark, cluster CIDR, masquerade-all) gets chains of its own.
    /// </summary>
    public static NftServiceChains SharedFor(ServicePort svc, KubeProxyNodeConfig node, EndpointCategories eps)
    {
        Ipv4Prefix? source = node.MasqueradeAll ? null : node.ClusterCidr;
        NftServiceChains c = Shared.GetValue(svc, s => Write(s, node, eps, static name => new NftChain(name, shared: true)));
        return c.Mark == node.MasqueradeMark && c.MasqueradeSource == source ? c : Write(svc, node, eps, static name => new NftChain(name, shared: true));
    }

    /// <summary>syncProxyRules for one Service port's chains, each chain from <paramref name="chainOf"/> (a node's table, or new shared ones).</summary>
    public static NftServiceChains Write(ServicePort svc, KubeProxyNodeConfig node, EndpointCategories eps, Func<string, NftChain> chainOf)
    {
        var w = new NftServiceChains(node.MasqueradeMark, node.MasqueradeAll ? null : node.ClusterCidr);
        NftChain markMasq = MarkForMasquerade(node.MasqueradeMark);
        string nameBase = KubeProxyChainNames.NftServiceBase(svc);
        bool usesCluster = eps.Cluster.Count > 0 && svc.UsesClusterEndpoints;
        bool usesLocal = eps.Local.Count > 0 && svc.UsesLocalEndpoints;
        w.Cluster = usesCluster ? w.Add(chainOf("service-" + nameBase)) : null;
        w.Local = usesLocal ? w.Add(chainOf("local-" + nameBase)) : null;
        bool hasExternal = eps.HasAny && (!svc.ExternalTrafficPolicyLocal || eps.Local.Count > 0);
        w.Internal = svc.InternalTrafficPolicyLocal ? w.Local : w.Cluster;
        NftChain? externalPolicyChain = svc.ExternalTrafficPolicyLocal ? w.Local : w.Cluster;
        w.External = eps.HasAny && svc.ExternallyAccessible ? w.Add(chainOf("external-" + nameBase)) : null;

        // Endpoint chains and affinity sets, indexed like eps.AllReachable.
        IReadOnlyList<ServiceEndpoint> all = eps.AllReachable;
        var endpointChains = new NftChain[all.Count];
        NftAffinitySet[]? affinity = svc.SessionAffinityClientIp ? new NftAffinitySet[all.Count] : null;
        for (int i = 0; i < all.Count; i++)
        {
            string epBase = KubeProxyChainNames.NftEndpointBase(svc, all[i]);
            endpointChains[i] = w.Add(chainOf("endpoint-" + epBase));
            if (affinity is not null) affinity[i] = new NftAffinitySet("affinity-" + epBase, svc.AffinityTimeoutSeconds * Engine.Core.SimTime.PicosPerSecond);
        }
        w.Sets = affinity ?? [];

        bool hasInternal = eps.HasAny && (!svc.InternalTrafficPolicyLocal || eps.Local.Count > 0);
        if (hasInternal)
            w.Internal!.Add(new NftRule
            {
                Kind = NftRuleKind.MasqueradeClusterIp, Address = svc.ClusterIp, Protocol = svc.Protocol, Port = svc.Port,
                Prefix = w.MasqueradeSource, Target = markMasq,
            });
        if (w.External is not null) WriteExternalChain(svc, node, w.External, w.Cluster!, hasExternal ? externalPolicyChain : null, markMasq);
        if (w.Cluster is not null) WriteServiceToEndpoints(w.Cluster, eps.Cluster, all, endpointChains, affinity);
        if (w.Local is not null) WriteServiceToEndpoints(w.Local, eps.Local, all, endpointChains, affinity);
        for (int i = 0; i < all.Count; i++)
        {
            NftChain chain = endpointChains[i];
            chain.Add(new NftRule { Kind = NftRuleKind.SourceAddressJump, Address = all[i].Ip, Target = markMasq });
            if (affinity is not null) chain.Add(new NftRule { Kind = NftRuleKind.AffinityUpdate, Set = affinity[i] });
            chain.Add(new NftRule { Kind = NftRuleKind.Dnat, Protocol = svc.Protocol, Address = all[i].Ip, Port = all[i].Port });
        }
        return w;
    }

    /// <summary>The service- chain (Cluster endpoints), if written.</summary>
    public NftChain? Cluster { get; private set; }
    /// <summary>The local- chain (Local endpoints), if written.</summary>
    public NftChain? Local { get; private set; }
    /// <summary>The chain ClusterIP traffic goes to (by internalTrafficPolicy), if any.</summary>
    public NftChain? Internal { get; private set; }
    /// <summary>The external- chain (NodePorts, external IPs), if written.</summary>
    public NftChain? External { get; private set; }

    private NftChain Add(NftChain c)
    {
        _ordered.Add(c);
        return c;
    }

    private static void WriteExternalChain(ServicePort svc, KubeProxyNodeConfig node, NftChain ext, NftChain clusterChain, NftChain? policyChain, NftChain markMasq)
    {
        if (!svc.ExternalTrafficPolicyLocal)
        {
            ext.Add(new NftRule { Kind = NftRuleKind.Jump, Target = markMasq });
        }
        else
        {
            ext.Add(new NftRule { Kind = NftRuleKind.SourcePrefixGoto, Prefix = node.ClusterCidr, Target = clusterChain }); // short-circuit pod traffic
            ext.Add(new NftRule { Kind = NftRuleKind.LocalSourceJump, Target = markMasq }); // masquerade local traffic
            ext.Add(new NftRule { Kind = NftRuleKind.LocalSourceGoto, Target = clusterChain }); // short-circuit local traffic
        }
        if (policyChain is not null) ext.Add(new NftRule { Kind = NftRuleKind.Goto, Target = policyChain });
    }

    /// <summary>writeServiceToEndpointRules: affinity gotos, then one numgen verdict map over the endpoints.</summary>
    private static void WriteServiceToEndpoints(NftChain chain, IReadOnlyList<ServiceEndpoint> endpoints, IReadOnlyList<ServiceEndpoint> all,
        NftChain[] endpointChains, NftAffinitySet[]? affinity)
    {
        var index = new int[endpoints.Count];
        for (int i = 0; i < index.Length; i++) index[i] = IndexOf(all, endpoints[i]);
        if (affinity is not null)
            foreach (int k in index) chain.Add(new NftRule { Kind = NftRuleKind.AffinityGoto, Set = affinity[k], Target = endpointChains[k] });
        var targets = new NftChain[index.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = endpointChains[index[i]];
        chain.Add(new NftRule { Kind = NftRuleKind.Numgen, Targets = targets });
    }

    private static int IndexOf(IReadOnlyList<ServiceEndpoint> list, ServiceEndpoint e)
    {
        for (int i = 0; i < list.Count; i++)
            if (ReferenceEquals(list[i], e)) return i;
        throw new InvalidOperationException($"{e} is not among the reachable endpoints");
    }
}
