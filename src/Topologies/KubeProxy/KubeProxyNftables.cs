using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// kube-proxy's nftables mode (pkg/proxy/nftables, syncProxyRules/setupNFTables): "table ip kube-proxy" with
/// <list type="bullet">
/// <item>base chains filter-prerouting/-input/-forward/-output (priority dstnat−10), nat-prerouting and
/// nat-output (dstnat) jumping to "services", nat-postrouting (srcnat) jumping to "masquerading";</item>
/// <item>"services": one lookup in the service-ips verdict map (ClusterIP . proto . port → goto service-HASH-ns/svc/proto/port)
/// and one in service-nodeports for local destinations — the per-packet cost does not grow with the number of Services;</item>
/// <item>per Service: the off-cluster masquerade rule, affinity gotos, then "numgen random mod n vmap {...}" to an
/// endpoint chain (hairpin masquerade, affinity update, dnat); external-HASH chains for NodePorts by traffic policy;</item>
/// <item>"masquerading": "mark and 0x4000 == 0 return", clear the mark, "masquerade fully-random";</item>
/// <item>"endpoints-check" from input/forward/output for ct state new: the no-endpoint-services and
/// no-endpoint-nodeports verdict maps (drop, or goto reject-chain); "firewall-check" (no LB source ranges: an empty map).</item>
/// </list>
/// It enables conntrack in the namespace (an nft nat chain does, as nf_ct_netns_get). A re-sync flushes every
/// chain and map and refills them; affinity sets keep their elements. Control-plane time is not modelled.
/// Structure follows the 1.29–1.31 proxier (no cluster-ips-check chain).
/// </summary>
public sealed class KubeProxyNftables : IServiceProxy
{
    private Random? _random;
    private NetworkNamespace? _ns;
    private NftTable? _table;

    /// <param name="random">The stream numgen draws from; by default one seeded from the node's name.</param>
    public KubeProxyNftables(Random? random = null) => _random = random;

    public string Mode => "nftables";

    /// <summary>Rules in all chains of the table (map elements are counted by <see cref="MapElements"/>).</summary>
    public int RuleCount => _table?.RuleCount ?? 0;

    /// <summary>Elements of the verdict maps.</summary>
    public int MapElements => _table?.MapElements ?? 0;

    /// <summary>The table (null before the first sync).</summary>
    public NftTable? Table => _table;

    public void Sync(NetworkNamespace hostNs, KubeProxyNodeConfig node, IReadOnlyList<ServicePort> services)
    {
        ArgumentNullException.ThrowIfNull(hostNs);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(services);
        node.Validate();
        foreach (ServicePort s in services) s.Validate();
        if (_ns is null) Setup(hostNs, node);
        else if (_ns != hostNs) throw new InvalidOperationException($"this kube-proxy programs {_ns}, not {hostNs}");
        NftTable t = _table!;
        t.FlushAll();
        var w = new Writer(t, node);
        w.WriteFixedRules();
        foreach (ServicePort svc in services) w.WriteService(svc);
    }

    /// <summary>The table, its base chains at their hooks, and conntrack on.</summary>
    private void Setup(NetworkNamespace ns, KubeProxyNodeConfig node)
    {
        _ns = ns;
        _random ??= new Random(StableHash.Seed(node.NodeName + "/kube-proxy/nftables"));
        _table = new NftTable(ns, _random);
        if (ns.Conntrack.Mode == ConntrackMode.Auto) ns.Conntrack.Mode = ConntrackMode.On;
        const int filterPriority = NfHookPriority.NatDestination - 10;
        Register(ns, "filter-prerouting", NfInetHook.PreRouting, filterPriority, null);
        Register(ns, "filter-input", NfInetHook.LocalIn, filterPriority, null);
        Register(ns, "filter-forward", NfInetHook.Forward, filterPriority, null);
        Register(ns, "filter-output", NfInetHook.LocalOut, filterPriority, null);
        Register(ns, "nat-prerouting", NfInetHook.PreRouting, NfHookPriority.NatDestination - 1, NatManipType.Destination);
        Register(ns, "nat-output", NfInetHook.LocalOut, NfHookPriority.NatDestination - 1, NatManipType.Destination);
        Register(ns, "nat-postrouting", NfInetHook.PostRouting, NfHookPriority.NatSource - 1, NatManipType.Source);
    }

    private void Register(NetworkNamespace ns, string chain, NfInetHook hook, int priority, NatManipType? nat) =>
        ns.Netfilter.Register(hook, priority, new NftBaseChainHook(_table!, _table!.Chain(chain), nat));

    /// <summary>One sync's transaction.</summary>
    private sealed class Writer
    {
        private readonly NftTable _t;
        private readonly KubeProxyNodeConfig _node;
        private readonly NftChain _reject;

        public Writer(NftTable t, KubeProxyNodeConfig node)
        {
            _t = t;
            _node = node;
            t.Attach(NftServiceChains.MarkForMasquerade(node.MasqueradeMark));
            _reject = t.Chain("reject-chain");
        }

        /// <summary>setupNFTables: jumps from the base chains, services, masquerading, the checks.</summary>
        public void WriteFixedRules()
        {
            NftChain endpointsCheck = _t.Chain("endpoints-check"), firewallCheck = _t.Chain("firewall-check");
            NftChain services = _t.Chain("services"), masquerading = _t.Chain("masquerading");
            // nftablesJumpChains, in order.
            Add("filter-input", new NftRule { Kind = NftRuleKind.Jump, OnlyNew = true, Target = endpointsCheck });
            Add("filter-forward", new NftRule { Kind = NftRuleKind.Jump, OnlyNew = true, Target = endpointsCheck });
            Add("filter-output", new NftRule { Kind = NftRuleKind.Jump, OnlyNew = true, Target = endpointsCheck });
            Add("filter-prerouting", new NftRule { Kind = NftRuleKind.Jump, OnlyNew = true, Target = firewallCheck });
            Add("filter-output", new NftRule { Kind = NftRuleKind.Jump, OnlyNew = true, Target = firewallCheck });
            Add("nat-output", new NftRule { Kind = NftRuleKind.Jump, Target = services });
            Add("nat-prerouting", new NftRule { Kind = NftRuleKind.Jump, Target = services });
            Add("nat-postrouting", new NftRule { Kind = NftRuleKind.Jump, Target = masquerading });

            uint mark = _node.MasqueradeMark; // mark-for-masquerade is the shared chain of this mark
            masquerading.Add(new NftRule { Kind = NftRuleKind.MarkClearReturn, Mark = mark });
            masquerading.Add(new NftRule { Kind = NftRuleKind.MarkXor, Mark = mark });
            masquerading.Add(new NftRule { Kind = NftRuleKind.Masquerade });
            _reject.Add(new NftRule { Kind = NftRuleKind.Reject });
            endpointsCheck.Add(new NftRule { Kind = NftRuleKind.NoEndpointServicesMap });
            endpointsCheck.Add(new NftRule { Kind = NftRuleKind.NoEndpointNodePortsMap });
            firewallCheck.Add(new NftRule { Kind = NftRuleKind.FirewallIpsMap });
            services.Add(new NftRule { Kind = NftRuleKind.ServiceIpsMap });
            services.Add(new NftRule { Kind = NftRuleKind.ServiceNodePortsMap });
        }

        private void Add(string chain, NftRule rule) => _t.Chain(chain).Add(rule);

        /// <summary>
        /// Everything one Service port contributes, in syncProxyRules' order: its chains (shared by every node unless a
        /// Local policy makes them this node's own), then this node's verdict-map elements.
        /// </summary>
        public void WriteService(ServicePort svc)
        {
            EndpointCategories eps = EndpointCategories.Of(svc, _node.NodeName, _node.Zone);
            NftServiceChains chains;
            if (!EndpointCategories.SameOnEveryNode(svc))
            {
                chains = NftServiceChains.Write(svc, _node, eps, _t.Chain);
            }
            else
            {
                chains = NftServiceChains.SharedFor(svc, _node, eps);
                foreach (NftChain c in chains.Ordered) _t.Attach(c);
            }
            foreach (NftAffinitySet set in chains.Sets) _t.Declare(set);

            bool hasInternal = eps.HasAny && (!svc.InternalTrafficPolicyLocal || eps.Local.Count > 0);
            bool hasExternal = eps.HasAny && (!svc.ExternalTrafficPolicyLocal || eps.Local.Count > 0);
            NftChain? filterVerdict = eps.HasAny ? null : _reject; // null: drop
            ServiceFrontend cluster = svc.ClusterFrontend;
            if (hasInternal) _t.ServiceIps[cluster] = chains.Internal!;
            else _t.NoEndpointServices[cluster] = filterVerdict;
            // External and load-balancer IPs are elements of the same service-ips and no-endpoint-services maps, to the external chain.
            foreach (var (externalIp, _) in svc.ExternalFrontendIps)
            {
                var ext = new ServiceFrontend(externalIp, svc.Protocol, svc.Port);
                if (eps.HasAny) _t.ServiceIps[ext] = chains.External!;
                if (!hasExternal) _t.NoEndpointServices[ext] = filterVerdict;
            }
            if (svc.NodePort != 0)
            {
                var np = new ServiceFrontend(Ipv4Address.Any, svc.Protocol, svc.NodePort);
                if (eps.HasAny) _t.ServiceNodePorts[np] = chains.External!;
                if (!hasExternal) _t.NoEndpointNodePorts[np] = filterVerdict;
            }
        }
    }
}
