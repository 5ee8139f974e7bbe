using System.Globalization;
using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// kube-proxy's iptables mode (pkg/proxy/iptables, syncProxyRules): the nat and filter chains of the node's host
/// namespace, rule for rule.
/// <list type="bullet">
/// <item>nat PREROUTING/OUTPUT → KUBE-SERVICES: one rule per (ClusterIP, port, protocol) jumping to KUBE-SVC-x
/// (KUBE-SVL-x with internalTrafficPolicy Local), last "-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS";
/// KUBE-NODEPORTS "--dport nodePort -j KUBE-EXT-x"; KUBE-EXT-x per externalTrafficPolicy; KUBE-SVC-x: the
/// off-cluster masquerade rule, ClientIP affinity "recent --rcheck" rules, then one "statistic --mode random" rule
/// per endpoint (probability 1/(n−i) printed with %0.10f, the last unconditional) jumping to KUBE-SEP-y: the
/// hairpin masquerade rule and the DNAT. nat POSTROUTING → KUBE-POSTROUTING masquerades what KUBE-MARK-MASQ marked.</item>
/// <item>filter: REJECT (no endpoints) / DROP (no local endpoints) in KUBE-SERVICES and KUBE-EXTERNAL-SERVICES,
/// KUBE-FORWARD, KUBE-FIREWALL, KUBE-PROXY-FIREWALL and KUBE-NODEPORTS, hooked from INPUT, FORWARD and OUTPUT in
/// the order kube-proxy's prepends leave them.</item>
/// </list>
/// KUBE-SERVICES is evaluated rule by rule by the Datapaths netfilter (<c>netfilter.rule</c> each with iptables-legacy,
/// <c>nftables.rule</c> with iptables-nft: the scenario's kube_proxy.iptables_backend), so the first
/// packet of a connection pays for the Services listed before its own; later packets only see conntrack.
/// Services are written in input order (kube-proxy iterates a Go map). A re-sync flushes and refills every KUBE-
/// chain (own chains no longer used stay, empty and unreferenced; shared Service chains are no longer listed, as kube-proxy
/// deletes stale chains); iptables-restore time is not modelled. Service ports without Local policies share their nat chains
/// across nodes (<see cref="IptServiceChains"/>). External IPs (spec.externalIPs) and load-balancer IPs
/// (status.loadBalancer.ingress) get their KUBE-SERVICES rule to KUBE-EXT-x after the ClusterIP's. Not modelled: KUBE-FW-
/// (loadBalancerSourceRanges), localhost NodePorts. Large-cluster
/// mode is followed: above 1,000 endpoints the per-Service comments are left out, as kube-proxy does.
/// </summary>
public sealed class KubeProxyIptables : IServiceProxy
{
    /// <summary>largeClusterEndpointsThreshold: above this many endpoints kube-proxy leaves out per-Service comments.</summary>
    public const int LargeClusterEndpointsThreshold = 1000;
    private static readonly double[] Probabilities = new double[64];

    private readonly HashSet<IptChain> _filled = new();
    private readonly Dictionary<IptChain, StandardTarget> _jumps = new();
    private Random? _random;
    private NetworkNamespace? _ns;
    private IptTable _nat = null!;
    private IptTable _filter = null!;
    private int _builtinJumps;
    private int _rules;

    /// <param name="random">The stream the statistic matches draw from; by default one seeded from the node's name.</param>
    public KubeProxyIptables(Random? random = null) => _random = random;

    public string Mode => "iptables";

    /// <summary>Rules in kube-proxy's nat and filter chains plus its jumps from the built-in chains (iptables-save | grep -c '^-A').</summary>
    public int RuleCount => _rules;

    /// <summary>net.netfilter.nf_conntrack_tcp_be_liberal: kube-proxy then leaves out the ctstate INVALID drop.</summary>
    public bool ConntrackTcpBeLiberal { get; init; }

    public void Sync(NetworkNamespace hostNs, KubeProxyNodeConfig node, IReadOnlyList<ServicePort> services)
    {
        ArgumentNullException.ThrowIfNull(hostNs);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(services);
        node.Validate();
        foreach (ServicePort s in services) s.Validate();
        if (_ns is null) Setup(hostNs, node);
        else if (_ns != hostNs) throw new InvalidOperationException($"this kube-proxy programs {_ns}, not {hostNs}");

        _nat.DetachShared(); // the shared Service chains are listed again below
        foreach (IptChain c in _filled) c.Flush(); // order is irrelevant: every chain ends up empty
        _filled.Clear();
        _rules = _builtinJumps;
        int endpoints = 0;
        foreach (ServicePort svc in services) endpoints += svc.Endpoints.Count;
        var w = new Writer(this, node, largeCluster: endpoints > LargeClusterEndpointsThreshold);
        w.WriteFixedRules();
        foreach (ServicePort svc in services) w.WriteService(svc);
        w.WriteNodePortsJump();
    }

    /// <summary>Creates kube-proxy's top-level chains and prepends the jumps to them (EnsureChain/EnsureRule -I).</summary>
    private void Setup(NetworkNamespace ns, KubeProxyNodeConfig node)
    {
        _ns = ns;
        _random ??= new Random(StableHash.Seed(node.NodeName + "/kube-proxy/iptables"));
        ns.Netfilter.StatisticRandom = _random; // the statistic rules draw from the node's stream, not their own
        _nat = ns.Netfilter.Nat;
        _filter = ns.Netfilter.Filter;
        var ctNew = new ConntrackStateMatch(CtState.New);
        // iptablesJumpChains then iptablesKubeletJumpChains, each prepended: the last one ends up first.
        (IptTable Table, string Chain, NfInetHook Hook, bool New)[] jumps =
        [
            (_filter, "KUBE-EXTERNAL-SERVICES", NfInetHook.LocalIn, true),
            (_filter, "KUBE-EXTERNAL-SERVICES", NfInetHook.Forward, true),
            (_filter, "KUBE-NODEPORTS", NfInetHook.LocalIn, false),
            (_filter, "KUBE-SERVICES", NfInetHook.Forward, true),
            (_filter, "KUBE-SERVICES", NfInetHook.LocalOut, true),
            (_filter, "KUBE-FORWARD", NfInetHook.Forward, false),
            (_filter, "KUBE-PROXY-FIREWALL", NfInetHook.LocalIn, true),
            (_filter, "KUBE-PROXY-FIREWALL", NfInetHook.LocalOut, true),
            (_filter, "KUBE-PROXY-FIREWALL", NfInetHook.Forward, true),
            (_nat, "KUBE-SERVICES", NfInetHook.LocalOut, false),
            (_nat, "KUBE-SERVICES", NfInetHook.PreRouting, false),
            (_nat, "KUBE-POSTROUTING", NfInetHook.PostRouting, false),
            (_filter, "KUBE-FIREWALL", NfInetHook.LocalIn, false),
            (_filter, "KUBE-FIREWALL", NfInetHook.LocalOut, false),
        ];
        foreach (var (table, chain, hook, isNew) in jumps)
        {
            IptChain target = table.GetOrCreateChain(chain);
            table.Builtin(hook).Insert(0, new IptRule { Matches = isNew ? [ctNew] : [], Target = StandardTarget.Jump(target) });
            _builtinJumps++;
        }
        // KUBE-PROXY-FIREWALL and KUBE-NODEPORTS (filter) stay empty: no load-balancer source ranges, no health checks.
    }

    /// <summary>One sync's rule writing (the natRules/filterRules buffers of syncProxyRules).</summary>
    private sealed class Writer
    {
        private readonly KubeProxyIptables _p;
        private readonly KubeProxyNodeConfig _node;
        private readonly IptChain _natServices, _nodePorts, _markMasq, _postrouting;
        private readonly IptChain _filterServices, _externalServices, _forward, _firewall;
        private readonly NetfilterHooks _nf;
        private readonly bool _large;
        private readonly IptServiceChains.Settings _settings;
        // The shared chains of the Service port being written (null: this node's own chains).
        private IptServiceChains? _shared;

        public Writer(KubeProxyIptables p, KubeProxyNodeConfig node, bool largeCluster)
        {
            _p = p;
            _node = node;
            _large = largeCluster;
            _nf = p._ns!.Netfilter;
            _natServices = Chain(p._nat, "KUBE-SERVICES");
            _nodePorts = Chain(p._nat, "KUBE-NODEPORTS");
            _markMasq = p._nat.Attach(IptServiceChains.MarkForMasquerade(node.MasqueradeMark));
            p._rules += _markMasq.Rules.Count;
            _postrouting = Chain(p._nat, "KUBE-POSTROUTING");
            _filterServices = Chain(p._filter, "KUBE-SERVICES");
            _externalServices = Chain(p._filter, "KUBE-EXTERNAL-SERVICES");
            _forward = Chain(p._filter, "KUBE-FORWARD");
            _firewall = Chain(p._filter, "KUBE-FIREWALL");
            _settings = new IptServiceChains.Settings(node.MasqueradeMark, node.MasqueradeAll, node.ClusterCidr, largeCluster);
        }

        private uint Mark => _node.MasqueradeMark;

        /// <summary>A chain this sync fills (flushed by the next one), or one of the shared chains being written.</summary>
        private IptChain Chain(IptTable table, string name)
        {
            if (_shared is not null && table == _p._nat) return _shared.Chain(name);
            IptChain c = table.GetOrCreateChain(name);
            _p._filled.Add(c);
            return c;
        }

        /// <summary>"-j CHAIN" (one target object per chain, shared by the rules jumping there).</summary>
        private StandardTarget Jump(IptChain chain)
        {
            if (chain.IsShared) return IptServiceChains.JumpTo(chain);
            if (_p._jumps.TryGetValue(chain, out StandardTarget? t)) return t;
            t = StandardTarget.Jump(chain);
            _p._jumps.Add(chain, t);
            return t;
        }

        private void Append(IptChain chain, IptRule rule)
        {
            chain.Append(rule);
            if (chain.IsShared) _shared!.RuleCount++;
            else _p._rules++;
        }

        /// <summary>The xt_recent list <paramref name="name"/>: made in this namespace now, or by every node listing the shared chains.</summary>
        private string RecentList(string name)
        {
            if (_shared is not null) _shared.UsesRecentList(name);
            else _nf.Recent(name);
            return name;
        }

        /// <summary>KUBE-MARK-MASQ, KUBE-POSTROUTING, KUBE-FORWARD and KUBE-FIREWALL.</summary>
        public void WriteFixedRules()
        {
            Append(_postrouting, new IptRule { Matches = [new MarkMatch(Mark, Mark) { Invert = true }], Target = StandardTarget.Return });
            Append(_postrouting, new IptRule { Target = MarkTarget.Xor(Mark) });
            Append(_postrouting, new IptRule { Target = new MasqueradeTarget(flags: NatRangeOptions.RandomFully), Comment = "kubernetes service traffic requiring SNAT" });
            if (!_p.ConntrackTcpBeLiberal)
                Append(_forward, new IptRule { Matches = [new ConntrackStateMatch(CtState.Invalid)], Target = StandardTarget.Drop });
            Append(_forward, new IptRule { Matches = [new MarkMatch(Mark, Mark)], Target = StandardTarget.Accept, Comment = "kubernetes forwarding rules" });
            Append(_forward, new IptRule
            {
                Matches = [new ConntrackStateMatch(CtState.Related | CtState.Established)], Target = StandardTarget.Accept,
                Comment = "kubernetes forwarding conntrack rule",
            });
            var loopback = Ipv4Prefix.Parse("127.0.0.0/8");
            Append(_firewall, new IptRule
            {
                Destination = loopback, Source = loopback, SourceInvert = true,
                Matches = [new ConntrackStateMatch(CtState.Related | CtState.Established | CtState.Dnat) { Invert = true }],
                Target = StandardTarget.Drop, Comment = "block incoming localnet connections",
            });
        }

        /// <summary>"KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS": must be the last rule of the chain.</summary>
        public void WriteNodePortsJump() => Append(_natServices, new IptRule
        {
            Matches = [new AddrTypeMatch { DestinationType = AddrType.Local }], Target = Jump(_nodePorts),
            Comment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain",
        });

        /// <summary>
        /// Everything one Service port contributes, in syncProxyRules' order. Without Local policies or zone hints its nat chains are the
        /// shared ones (written by the first node, listed by the others); KUBE-SERVICES, KUBE-NODEPORTS and filter rules are this node's.
        /// </summary>
        public void WriteService(ServicePort svc)
        {
            EndpointCategories eps = EndpointCategories.Of(svc, _node.NodeName, _node.Zone);
            KubeProxyChainNames.Names names = KubeProxyChainNames.For(svc);
            bool writeChains = true;
            if (EndpointCategories.SameOnEveryNode(svc))
            {
                _shared = IptServiceChains.Cached(svc, _settings);
                writeChains = _shared is null;
                _shared ??= new IptServiceChains(_settings);
            }
            bool usesCluster = eps.Cluster.Count > 0 && svc.UsesClusterEndpoints;
            bool usesLocal = eps.Local.Count > 0 && svc.UsesLocalEndpoints;
            IptChain? svcChain = usesCluster ? Chain(_p._nat, names.Svc) : null;
            IptChain? svlChain = usesLocal ? Chain(_p._nat, "KUBE-SVL-" + names.Hash) : null;
            bool hasInternal = eps.HasAny && (!svc.InternalTrafficPolicyLocal || eps.Local.Count > 0);
            bool hasExternal = eps.HasAny && (!svc.ExternalTrafficPolicyLocal || eps.Local.Count > 0);
            bool usesExternal = eps.HasAny && svc.ExternallyAccessible;
            IptChain? extChain = usesExternal ? Chain(_p._nat, "KUBE-EXT-" + names.Hash) : null;
            IptChain? internalChain = svc.InternalTrafficPolicyLocal ? svlChain : svcChain;
            // No endpoints at all: REJECT; endpoints, but none local for a Local policy: DROP.
            NfTarget filterTarget = eps.HasAny ? StandardTarget.Drop : new RejectTarget();

            if (hasInternal)
            {
                Append(_natServices, ClusterIpRule(svc, Jump(internalChain!), names));
                if (writeChains) Append(internalChain!, MasqueradeOffClusterRule(svc, names));
            }
            else
            {
                Append(_filterServices, ClusterIpRule(svc, filterTarget, names));
            }
            // External and load-balancer IPs, after the ClusterIP rule: "-d IP --dport port -j KUBE-EXT-x" in KUBE-SERVICES
            // (a load-balancer IP goes through KUBE-FW-x only with loadBalancerSourceRanges, which NetSim refuses), or the
            // REJECT/DROP in filter KUBE-EXTERNAL-SERVICES when nothing serves external traffic.
            foreach (var (externalIp, what) in svc.ExternalFrontendIps)
            {
                if (eps.HasAny)
                    Append(_natServices, new IptRule
                    {
                        Destination = new Ipv4Prefix(externalIp, 32), Protocol = svc.Protocol, DestinationPort = new PortRange(svc.Port),
                        Target = Jump(extChain!), Comment = _large ? null : names.PortName + what,
                    });
                if (!hasExternal)
                    Append(_externalServices, new IptRule
                    {
                        Destination = new Ipv4Prefix(externalIp, 32), Protocol = svc.Protocol, DestinationPort = new PortRange(svc.Port), Target = filterTarget,
                    });
            }
            if (svc.NodePort != 0)
            {
                if (eps.HasAny) Append(_nodePorts, new IptRule { Protocol = svc.Protocol, DestinationPort = new PortRange(svc.NodePort), Target = Jump(extChain!) });
                if (!hasExternal)
                    Append(_externalServices, new IptRule
                    {
                        Matches = [new AddrTypeMatch { DestinationType = AddrType.Local }], Protocol = svc.Protocol,
                        DestinationPort = new PortRange(svc.NodePort), Target = filterTarget,
                    });
            }
            if (writeChains)
            {
                if (extChain is not null) WriteExternalChain(svc, extChain, svcChain!, hasExternal ? (svc.ExternalTrafficPolicyLocal ? svlChain : svcChain) : null);
                if (svcChain is not null) WriteServiceToEndpoints(svc, names, svcChain, eps.Cluster);
                if (svlChain is not null) WriteServiceToEndpoints(svc, names, svlChain, eps.Local);
                foreach (ServiceEndpoint ep in eps.AllReachable) WriteEndpointChain(svc, names, ep);
            }
            if (_shared is not null) ListShared(svc, writeChains);
        }

        /// <summary>Lists the Service port's shared chains in this node's nat table (keeping them for the next nodes if just written).</summary>
        private void ListShared(ServicePort svc, bool written)
        {
            IptServiceChains shared = _shared!;
            _shared = null;
            if (written) IptServiceChains.Publish(svc, shared);
            foreach (IptChain c in shared.Ordered) _p._nat.Attach(c);
            foreach (string list in shared.RecentLists) _nf.Recent(list);
            _p._rules += shared.RuleCount;
        }

        private IptRule ClusterIpRule(ServicePort svc, NfTarget target, KubeProxyChainNames.Names names) => new()
        {
            Destination = new Ipv4Prefix(svc.ClusterIp, 32), Protocol = svc.Protocol, DestinationPort = new PortRange(svc.Port),
            Target = target, Comment = _large ? null : names.PortName + " cluster IP",
        };

        /// <summary>"-d clusterIP --dport p ! -s clusterCIDR -j KUBE-MARK-MASQ" (every source with --masquerade-all).</summary>
        private IptRule MasqueradeOffClusterRule(ServicePort svc, KubeProxyChainNames.Names names) => new()
        {
            Destination = new Ipv4Prefix(svc.ClusterIp, 32), Protocol = svc.Protocol, DestinationPort = new PortRange(svc.Port),
            Source = _node.MasqueradeAll ? null : _node.ClusterCidr, SourceInvert = !_node.MasqueradeAll,
            Target = Jump(_markMasq), Comment = _large ? null : names.PortName + " cluster IP",
        };

        /// <summary>KUBE-EXT-x: Cluster policy masquerades everything; Local short-circuits pod and node traffic and keeps the client IP for the rest.</summary>
        private void WriteExternalChain(ServicePort svc, IptChain ext, IptChain svcChain, IptChain? policyChain)
        {
            if (!svc.ExternalTrafficPolicyLocal)
            {
                Append(ext, new IptRule { Target = Jump(_markMasq), Comment = _large ? null : $"masquerade traffic for {svc.ServicePortName} external destinations" });
            }
            else
            {
                Append(ext, new IptRule { Source = _node.ClusterCidr, Target = Jump(svcChain), Comment = _large ? null : $"pod traffic for {svc.ServicePortName} external destinations" });
                Append(ext, new IptRule { Matches = [new AddrTypeMatch { SourceType = AddrType.Local }], Target = Jump(_markMasq) });
                Append(ext, new IptRule { Matches = [new AddrTypeMatch { SourceType = AddrType.Local }], Target = Jump(svcChain) });
            }
            if (policyChain is not null) Append(ext, new IptRule { Target = Jump(policyChain) });
        }

        /// <summary>writeServiceToEndpointRules: affinity checks first, then the probability cascade.</summary>
        private void WriteServiceToEndpoints(ServicePort svc, KubeProxyChainNames.Names names, IptChain chain, IReadOnlyList<ServiceEndpoint> endpoints)
        {
            if (svc.SessionAffinityClientIp)
            {
                foreach (ServiceEndpoint ep in endpoints)
                {
                    string sep = names.Sep(ep);
                    var recent = new RecentMatch(RecentList(sep), RecentCommand.Check, svc.AffinityTimeoutSeconds, reap: true);
                    Append(chain, new IptRule { Matches = [recent], Target = Jump(Chain(_p._nat, sep)), Comment = _large ? null : $"{names.PortName} -> {ep.Text}" });
                }
            }
            int n = endpoints.Count;
            for (int i = 0; i < n; i++)
            {
                ServiceEndpoint ep = endpoints[i];
                NfMatch[] matches = i < n - 1 ? [StatisticMatch.Random(Probability(n - i))] : [];
                Append(chain, new IptRule { Matches = matches, Target = Jump(Chain(_p._nat, names.Sep(ep))), Comment = _large ? null : $"{names.PortName} -> {ep.Text}" });
            }
        }

        /// <summary>KUBE-SEP-y: masquerade hairpin traffic (the endpoint reaching itself), record affinity, DNAT.</summary>
        private void WriteEndpointChain(ServicePort svc, KubeProxyChainNames.Names names, ServiceEndpoint ep)
        {
            string name = names.Sep(ep);
            IptChain sep = Chain(_p._nat, name);
            if (sep.Rules.Count > 0) return; // already written for this sync (an endpoint listed twice)
            Append(sep, new IptRule { Source = new Ipv4Prefix(ep.Ip, 32), Target = Jump(_markMasq), Comment = _large ? null : names.PortName });
            NfMatch[] matches = svc.SessionAffinityClientIp ? [new RecentMatch(RecentList(name), RecentCommand.Set)] : [];
            Append(sep, new IptRule { Protocol = svc.Protocol, Matches = matches, Target = names.Dnat(ep), Comment = _large ? null : names.PortName });
        }
    }

    /// <summary>proxier.probability(n): 1/n printed with %0.10f, the value iptables then parses.</summary>
    public static double Probability(int n)
    {
        if ((uint)n < (uint)Probabilities.Length && Probabilities[n] != 0) return Probabilities[n];
        double p = double.Parse((1.0 / n).ToString("F10", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if ((uint)n < (uint)Probabilities.Length) Probabilities[n] = p; // benign race: every writer stores the same value
        return p;
    }
}
