using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// kube-proxy's IPVS mode (pkg/proxy/ipvs): every ClusterIP is bound to the dummy device kube-ipvs0 (so it is a
/// local address and Service traffic takes the INPUT path), one IPVS virtual service per ClusterIP:port and per
/// node address:nodePort with the endpoints as destinations, and ip_vs hooked at LOCAL_IN and LOCAL_OUT
/// (<see cref="IpvsHook"/>). iptables is still needed for what IPVS does not do, with ipset matches whose cost does
/// not grow with the number of Services:
/// <list type="bullet">
/// <item>nat KUBE-SERVICES: "-s 127.0.0.0/8 -j RETURN", "-m set --match-set KUBE-CLUSTER-IP dst,dst ! -s clusterCIDR
/// -j KUBE-MARK-MASQ", "-m addrtype --dst-type LOCAL -j KUBE-NODE-PORT", "-m set --match-set KUBE-CLUSTER-IP
/// dst,dst -j ACCEPT" (external IPs: bound to kube-ipvs0 too, a virtual service per externalIP:port, in
/// KUBE-EXTERNAL-IP (marked for masquerade) or KUBE-EXTERNAL-IP-LOCAL, each with its two ACCEPT rules; load-balancer IPs:
/// bound and served alike, "-m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER", whose chain RETURNs
/// for KUBE-LOAD-BALANCER-LOCAL and otherwise marks for masquerade, and an ACCEPT after the ClusterIP's); KUBE-NODE-PORT: RETURN for KUBE-NODE-PORT-LOCAL-proto (externalTrafficPolicy Local), else
/// KUBE-MARK-MASQ for KUBE-NODE-PORT-proto; KUBE-POSTROUTING: "-m set --match-set KUBE-LOOP-BACK dst,dst,src
/// -j MASQUERADE" (hairpin), then the marked-traffic masquerade as in iptables mode;</item>
/// <item>filter: KUBE-FORWARD, KUBE-NODE-PORT (health checks), KUBE-PROXY-FIREWALL, KUBE-SOURCE-RANGES-FIREWALL,
/// KUBE-IPVS-FILTER (RETURN for Service addresses, REJECT new connections to other ports of kube-ipvs0
/// addresses) and KUBE-IPVS-OUT-FILTER.</item>
/// </list>
/// With a Local policy and no local endpoint the virtual service gets the cluster's endpoints (kube-proxy's
/// syncEndpoint fallback, without masquerade). A re-sync rebinds addresses, updates virtual services in place
/// (keeping their connections and scheduler state) and rewrites the iptables chains; control-plane time is not
/// modelled.
/// </summary>
public sealed class KubeProxyIpvs : IServiceProxy
{
    public const string DummyDeviceName = "kube-ipvs0";

    private readonly HashSet<IptChain> _filled = new();
    private readonly Dictionary<string, IpSet> _sets = new(StringComparer.Ordinal);
    private NetworkNamespace? _ns;
    private DummyDevice _dummy = null!;
    private IptTable _nat = null!;
    private IptTable _filter = null!;
    private IpvsHook _localIn = null!;
    private IpvsHook _localOut = null!;
    private int _builtinJumps;
    private int _rules;

    /// <param name="scheduler">--ipvs-scheduler: rr (default), lc, dh, sh, sed or nq.</param>
    public KubeProxyIpvs(string scheduler = "rr")
    {
        _ = IpvsScheduler.Create(scheduler); // validates the name
        Scheduler = scheduler;
    }

    public string Mode => "ipvs";
    public string Scheduler { get; }
    public IpvsTable Table { get; } = new();
    /// <summary>The kube-ipvs0 device (null before the first sync).</summary>
    public DummyDevice? Dummy => _ns is null ? null : _dummy;

    /// <summary>iptables rules kube-proxy installed (virtual services and destinations are not rules; see <see cref="Table"/>).</summary>
    public int RuleCount => _rules;
    public int VirtualServerCount => Table.Count;
    /// <summary>Connections IPVS scheduled, and packets it rejected for want of a destination.</summary>
    public long Scheduled => _ns is null ? 0 : _localIn.Scheduled + _localOut.Scheduled;
    public long NoDestination => _ns is null ? 0 : _localIn.NoDestination + _localOut.NoDestination;

    /// <summary>An ipset by name (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, KUBE-NODE-PORT-TCP, ...).</summary>
    public IpSet Set(string name) => _sets[name];

    public void Sync(NetworkNamespace hostNs, KubeProxyNodeConfig node, IReadOnlyList<ServicePort> services)
    {
        ArgumentNullException.ThrowIfNull(hostNs);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(services);
        node.Validate();
        foreach (ServicePort s in services) s.Validate();
        if (_ns is null) Setup(hostNs);
        else if (_ns != hostNs) throw new InvalidOperationException($"this kube-proxy programs {_ns}, not {hostNs}");

        List<Ipv4Address> nodeIps = NodeAddresses();
        BindClusterIps(services, nodeIps);
        // The virtual services every node has alike are listed from the shared ones, unless one of this node's own
        // frontends (a NodePort on its address, a Local-policy port) is the same: then the node writes all its own.
        var active = new HashSet<ServiceFrontend>();
        if (!SyncServices(services, node, nodeIps, IpvsSharedServices.For(services), active))
        {
            active.Clear();
            SyncServices(services, node, nodeIps, null, active);
        }
        Table.RemoveExcept(active);
        foreach (InterfaceAddress a in _dummy.Addresses) _sets["KUBE-IPVS-IPS"].Add(a.Address);
        WriteIptablesRules(node);
    }

    private void Setup(NetworkNamespace ns)
    {
        _ns = ns;
        ns.IpForwarding = true; // kube-proxy sets net.ipv4.ip_forward=1 in IPVS mode
        _nat = ns.Netfilter.Nat;
        _filter = ns.Netfilter.Filter;
        _dummy = ns.Devices.FirstOrDefault(d => d.Name == DummyDeviceName) as DummyDevice ?? new DummyDevice(ns, DummyDeviceName);
        var xmit = new IpvsXmit(ns);
        _localIn = new IpvsHook(Table, xmit, localIn: true);
        _localOut = new IpvsHook(Table, xmit, localIn: false);
        ns.Netfilter.Register(NfInetHook.LocalIn, NfHookPriority.NatSource - 1, _localIn);
        ns.Netfilter.Register(NfInetHook.LocalOut, NfHookPriority.NatDestination + 2, _localOut);
        foreach (var (name, type) in new (string, IpSetType)[]
                 {
                     ("KUBE-LOOP-BACK", IpSetType.HashIpPortIp), ("KUBE-CLUSTER-IP", IpSetType.HashIpPort),
                     ("KUBE-EXTERNAL-IP", IpSetType.HashIpPort), ("KUBE-EXTERNAL-IP-LOCAL", IpSetType.HashIpPort),
                     ("KUBE-LOAD-BALANCER", IpSetType.HashIpPort), ("KUBE-LOAD-BALANCER-LOCAL", IpSetType.HashIpPort), ("KUBE-NODE-PORT-TCP", IpSetType.BitmapPort),
                     ("KUBE-NODE-PORT-LOCAL-TCP", IpSetType.BitmapPort), ("KUBE-NODE-PORT-UDP", IpSetType.BitmapPort),
                     ("KUBE-NODE-PORT-LOCAL-UDP", IpSetType.BitmapPort), ("KUBE-HEALTH-CHECK-NODE-PORT", IpSetType.BitmapPort),
                     ("KUBE-IPVS-IPS", IpSetType.HashIp),
                 })
            _sets.Add(name, new IpSet(name, type));
        // iptablesJumpChain, each prepended.
        (IptTable Table, NfInetHook Hook, string Chain)[] jumps =
        [
            (_nat, NfInetHook.LocalOut, "KUBE-SERVICES"),
            (_nat, NfInetHook.PreRouting, "KUBE-SERVICES"),
            (_nat, NfInetHook.PostRouting, "KUBE-POSTROUTING"),
            (_filter, NfInetHook.Forward, "KUBE-FORWARD"),
            (_filter, NfInetHook.LocalIn, "KUBE-NODE-PORT"),
            (_filter, NfInetHook.LocalIn, "KUBE-PROXY-FIREWALL"),
            (_filter, NfInetHook.Forward, "KUBE-PROXY-FIREWALL"),
            (_filter, NfInetHook.LocalIn, "KUBE-IPVS-FILTER"),
            (_filter, NfInetHook.LocalOut, "KUBE-IPVS-OUT-FILTER"),
        ];
        foreach (var (table, hook, chain) in jumps)
        {
            table.Builtin(hook).Insert(0, new IptRule { Target = StandardTarget.Jump(table.GetOrCreateChain(chain)) });
            _builtinJumps++;
        }
    }

    /// <summary>
    /// Every ClusterIP and external IP on kube-ipvs0 as a /32 (a local address), and nothing else; an external IP the
    /// node already holds on another device is not bound again ("must not add the address to the dummy device if it
    /// exists on another interface").
    /// </summary>
    private void BindClusterIps(IReadOnlyList<ServicePort> services, List<Ipv4Address> nodeIps)
    {
        var order = new List<Ipv4Address>();
        foreach (ServicePort svc in services)
        {
            order.Add(svc.ClusterIp);
            foreach (Ipv4Address ip in svc.ExternalIps)
                if (!nodeIps.Contains(ip)) order.Add(ip);
            foreach (Ipv4Address ip in svc.LoadBalancerIps)
                if (!nodeIps.Contains(ip)) order.Add(ip);
        }
        var wanted = new HashSet<Ipv4Address>(order);
        foreach (InterfaceAddress a in _dummy.Addresses.ToArray())
            if (!wanted.Remove(a.Address)) _ns!.RemoveAddress(_dummy, a.Address);
        foreach (Ipv4Address ip in order) // in service order, so the binding order is deterministic
            if (wanted.Remove(ip)) _ns!.AddAddress(_dummy, new InterfaceAddress(ip, 32));
    }

    /// <summary>The node's addresses NodePorts listen on: all but kube-ipvs0's and loopback.</summary>
    private List<Ipv4Address> NodeAddresses()
    {
        var ips = new List<Ipv4Address>();
        foreach (NetDevice d in _ns!.Devices)
            if (d != _dummy)
                foreach (InterfaceAddress a in d.Addresses)
                    if (!a.Address.IsLoopback) ips.Add(a.Address);
        return ips;
    }

    /// <summary>Every Service port's ipset entries and virtual services, listing <paramref name="shared"/>'s; false when an own frontend is one of them.</summary>
    private bool SyncServices(IReadOnlyList<ServicePort> services, KubeProxyNodeConfig node, List<Ipv4Address> nodeIps, IpvsSharedServices? shared, HashSet<ServiceFrontend> active)
    {
        foreach (IpSet s in _sets.Values) s.Clear();
        Table.List(shared, Scheduler);
        foreach (ServicePort svc in services) SyncService(svc, node, nodeIps, shared is not null && EndpointCategories.SameOnEveryNode(svc), active);
        foreach (ServiceFrontend f in active)
            if (Table.IsListed(f)) return false;
        return true;
    }

    /// <summary>The persistence timeout of <paramref name="svc"/>'s virtual services (ps; 0 without sessionAffinity ClientIP).</summary>
    internal static long PersistencePs(ServicePort svc) => svc.SessionAffinityClientIp ? svc.AffinityTimeoutSeconds * SimTime.PicosPerSecond : 0;

    /// <summary>
    /// syncProxyRules for one Service port: ipset entries, the ClusterIP and NodePort virtual services (the ClusterIP,
    /// external and load-balancer IP ones only listed when <paramref name="listed"/>).
    /// </summary>
    private void SyncService(ServicePort svc, KubeProxyNodeConfig node, List<Ipv4Address> nodeIps, bool listed, HashSet<ServiceFrontend> active)
    {
        EndpointCategories eps = EndpointCategories.Of(svc, node.NodeName, node.Zone);
        foreach (ServiceEndpoint ep in EndpointCategories.Sorted(svc))
            if (ep.Node == node.NodeName) _sets["KUBE-LOOP-BACK"].Add(ep.Ip, svc.Protocol, ep.Port, ep.Ip);
        _sets["KUBE-CLUSTER-IP"].Add(svc.ClusterIp, svc.Protocol, svc.Port);
        long persistence = PersistencePs(svc);
        if (!listed) AddVirtualServer(svc.ClusterFrontend, persistence, Destinations(eps, svc.InternalTrafficPolicyLocal), active);
        foreach (Ipv4Address externalIp in svc.ExternalIps)
        {
            _sets[svc.ExternalTrafficPolicyLocal ? "KUBE-EXTERNAL-IP-LOCAL" : "KUBE-EXTERNAL-IP"].Add(externalIp, svc.Protocol, svc.Port);
            if (!listed) AddVirtualServer(new ServiceFrontend(externalIp, svc.Protocol, svc.Port), persistence, Destinations(eps, svc.ExternalTrafficPolicyLocal), active);
        }
        // A load-balancer IP: in KUBE-LOAD-BALANCER (and KUBE-LOAD-BALANCER-LOCAL for Local, which skips the masquerade
        // mark), a virtual service of its own with the external policy's destinations.
        foreach (Ipv4Address lbIp in svc.LoadBalancerIps)
        {
            _sets["KUBE-LOAD-BALANCER"].Add(lbIp, svc.Protocol, svc.Port);
            if (svc.ExternalTrafficPolicyLocal) _sets["KUBE-LOAD-BALANCER-LOCAL"].Add(lbIp, svc.Protocol, svc.Port);
            if (!listed) AddVirtualServer(new ServiceFrontend(lbIp, svc.Protocol, svc.Port), persistence, Destinations(eps, svc.ExternalTrafficPolicyLocal), active);
        }
        if (svc.HealthCheckNodePort != 0) _sets["KUBE-HEALTH-CHECK-NODE-PORT"].Add(Ipv4Address.Any, 0, svc.HealthCheckNodePort);
        if (svc.NodePort == 0) return;
        string proto = svc.Protocol == Ipv4Header.ProtocolTcp ? "TCP" : "UDP";
        _sets["KUBE-NODE-PORT-" + proto].Add(Ipv4Address.Any, 0, svc.NodePort);
        if (svc.ExternalTrafficPolicyLocal) _sets["KUBE-NODE-PORT-LOCAL-" + proto].Add(Ipv4Address.Any, 0, svc.NodePort);
        IReadOnlyList<ServiceEndpoint> external = Destinations(eps, svc.ExternalTrafficPolicyLocal);
        foreach (Ipv4Address ip in nodeIps) AddVirtualServer(new ServiceFrontend(ip, svc.Protocol, svc.NodePort), persistence, external, active);
    }

    /// <summary>syncEndpoint: local endpoints for a Local policy when there are any, else the cluster's.</summary>
    private static IReadOnlyList<ServiceEndpoint> Destinations(EndpointCategories eps, bool onlyLocal) =>
        onlyLocal && eps.Local.Count > 0 ? eps.Local : eps.Cluster;

    private void AddVirtualServer(ServiceFrontend frontend, long persistencePs, IReadOnlyList<ServiceEndpoint> destinations, HashSet<ServiceFrontend> active)
    {
        IpvsVirtualServer vs = Table.GetOrAdd(frontend, Scheduler);
        vs.PersistencePs = persistencePs;
        vs.SetDestinations(destinations);
        active.Add(frontend);
    }

    /// <summary>writeIptablesRules.</summary>
    private void WriteIptablesRules(KubeProxyNodeConfig node)
    {
        foreach (IptChain c in _filled) c.Flush(); // order is irrelevant: every chain ends up empty
        _filled.Clear();
        _rules = _builtinJumps;
        uint mark = node.MasqueradeMark;
        IptChain services = Chain(_nat, "KUBE-SERVICES"), nodePort = Chain(_nat, "KUBE-NODE-PORT"), lb = Chain(_nat, "KUBE-LOAD-BALANCER");
        IptChain markMasq = Chain(_nat, "KUBE-MARK-MASQ"), postrouting = Chain(_nat, "KUBE-POSTROUTING");
        IptChain forward = Chain(_filter, "KUBE-FORWARD"), filterNodePort = Chain(_filter, "KUBE-NODE-PORT");
        IptChain sourceRanges = Chain(_filter, "KUBE-SOURCE-RANGES-FIREWALL"), ipvsFilter = Chain(_filter, "KUBE-IPVS-FILTER");
        Chain(_filter, "KUBE-PROXY-FIREWALL");
        Chain(_filter, "KUBE-IPVS-OUT-FILTER");
        IpSet clusterIps = _sets["KUBE-CLUSTER-IP"];

        Append(services, new IptRule { Source = Ipv4Prefix.Parse("127.0.0.0/8"), Target = StandardTarget.Return });
        if (_sets["KUBE-LOOP-BACK"].Count > 0)
            Append(postrouting, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-LOOP-BACK"])], Target = new MasqueradeTarget() });
        foreach (string proto in new[] { "TCP", "UDP" })
        {
            byte p = proto == "TCP" ? Ipv4Header.ProtocolTcp : Ipv4Header.ProtocolUdp;
            if (_sets["KUBE-NODE-PORT-LOCAL-" + proto].Count > 0)
                Append(nodePort, new IptRule { Protocol = p, Matches = [new IpSetMatch(_sets["KUBE-NODE-PORT-LOCAL-" + proto])], Target = StandardTarget.Return });
            if (_sets["KUBE-NODE-PORT-" + proto].Count > 0)
                Append(nodePort, new IptRule { Protocol = p, Matches = [new IpSetMatch(_sets["KUBE-NODE-PORT-" + proto])], Target = StandardTarget.Jump(markMasq) });
        }
        if (_sets["KUBE-LOAD-BALANCER"].Count > 0)
        {
            Append(services, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-LOAD-BALANCER"])], Target = StandardTarget.Jump(lb), Comment = "Kubernetes service lb portal" });
            if (_sets["KUBE-LOAD-BALANCER-LOCAL"].Count > 0) Append(lb, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-LOAD-BALANCER-LOCAL"])], Target = StandardTarget.Return });
        }
        if (clusterIps.Count > 0)
            Append(services, new IptRule
            {
                Matches = [new IpSetMatch(clusterIps)], Source = node.MasqueradeAll ? null : node.ClusterCidr, SourceInvert = !node.MasqueradeAll,
                Target = StandardTarget.Jump(markMasq), Comment = "Kubernetes service cluster ip + port for masquerade purpose",
            });
        if (_sets["KUBE-EXTERNAL-IP"].Count > 0)
        {
            Append(services, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-EXTERNAL-IP"])], Target = StandardTarget.Jump(markMasq), Comment = "Kubernetes service external ip + port for masquerade and filter purpose" });
            AppendExternalIpAccepts(services, _sets["KUBE-EXTERNAL-IP"]);
        }
        if (_sets["KUBE-EXTERNAL-IP-LOCAL"].Count > 0) AppendExternalIpAccepts(services, _sets["KUBE-EXTERNAL-IP-LOCAL"]);
        Append(services, new IptRule { Matches = [new AddrTypeMatch { DestinationType = AddrType.Local }], Target = StandardTarget.Jump(nodePort) });
        Append(lb, new IptRule { Target = StandardTarget.Jump(markMasq) });
        Append(sourceRanges, new IptRule { Target = StandardTarget.Drop });
        if (clusterIps.Count > 0) Append(services, new IptRule { Matches = [new IpSetMatch(clusterIps)], Target = StandardTarget.Accept });
        if (_sets["KUBE-LOAD-BALANCER"].Count > 0) Append(services, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-LOAD-BALANCER"])], Target = StandardTarget.Accept });

        Append(forward, new IptRule { Matches = [new MarkMatch(mark, mark)], Target = StandardTarget.Accept, Comment = "kubernetes forwarding rules" });
        Append(forward, new IptRule { Matches = [new ConntrackStateMatch(CtState.Related | CtState.Established)], Target = StandardTarget.Accept });
        Append(filterNodePort, new IptRule { Matches = [new IpSetMatch(_sets["KUBE-HEALTH-CHECK-NODE-PORT"])], Target = StandardTarget.Accept });
        foreach (string set in new[] { "KUBE-LOAD-BALANCER", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL", "KUBE-HEALTH-CHECK-NODE-PORT" })
            Append(ipvsFilter, new IptRule { Matches = [new IpSetMatch(_sets[set])], Target = StandardTarget.Return });
        Append(ipvsFilter, new IptRule { Matches = [new ConntrackStateMatch(CtState.New), new IpSetMatch(_sets["KUBE-IPVS-IPS"])], Target = new RejectTarget() });

        Append(postrouting, new IptRule { Matches = [new MarkMatch(mark, mark) { Invert = true }], Target = StandardTarget.Return });
        Append(postrouting, new IptRule { Target = MarkTarget.Xor(mark) });
        Append(postrouting, new IptRule { Target = new MasqueradeTarget(flags: NatRangeOptions.RandomFully), Comment = "kubernetes service traffic requiring SNAT" });
        Append(markMasq, new IptRule { Target = MarkTarget.Or(mark) });
    }

    /// <summary>
    /// externalIPRules: ACCEPT what comes from off the machine ("! --src-type LOCAL"; kube-proxy also requires
    /// "-m physdev ! --physdev-is-in", not from a bridge port: the model has no physdev match, so pod traffic through
    /// a bridge matches here too, where it would fall through to the same ACCEPT below), then ACCEPT what is for a
    /// local address.
    /// </summary>
    private void AppendExternalIpAccepts(IptChain services, IpSet set)
    {
        Append(services, new IptRule { Matches = [new IpSetMatch(set), new AddrTypeMatch { SourceType = AddrType.Local, SourceInvert = true }], Target = StandardTarget.Accept });
        Append(services, new IptRule { Matches = [new IpSetMatch(set), new AddrTypeMatch { DestinationType = AddrType.Local }], Target = StandardTarget.Accept });
    }

    private IptChain Chain(IptTable table, string name)
    {
        IptChain c = table.GetOrCreateChain(name);
        _filled.Add(c);
        return c;
    }

    private void Append(IptChain chain, IptRule rule)
    {
        chain.Append(rule);
        _rules++;
    }
}
