using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Bgp;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Calico: no bridge. Each pod's host-side veth (cali…) answers ARP for everything (proxy_arp), the pod has a /32
/// and a default route via 169.254.1.1 onlink, and the host has a /32 route per pod. Addresses come from
/// on-demand /26 blocks (calico-ipam); each node advertises its blocks over BGP (BIRD: full iBGP mesh or route
/// reflectors), and the learned block routes point at the peer node — directly (native), through tunl0 (IPIP,
/// Always or CrossSubnet) or through vxlan.calico (VXLAN). The eBPF dataplane adds tc programs that redirect
/// pod traffic past the host stack and runs without conntrack on the fast path.
/// </summary>
public sealed class CalicoNetwork : PodNetwork
{
    /// <summary>The link-local gateway every Calico pod routes through.</summary>
    public static Ipv4Address PodGateway => CalicoPlugin.PodGateway;

    private readonly string _mode;
    private readonly CalicoIpam _ipam;
    private readonly Dictionary<BuiltNode, CniNode> _cni = new();

    public CalicoNetwork(ClusterContext cluster) : base(cluster)
    {
        _mode = cluster.Scenario.Cni.Datapath;
        var spec = cluster.Scenario;
        _ipam = new CalicoIpam(spec.Cluster.PodCidr.ToString(), spec.Cni.BlockSize);
    }

    public SimTime BgpConvergence { get; private set; }
    public int BgpSessions { get; private set; }
    private bool Ipip => _mode == DatapathNames.CalicoIpip;
    private bool Vxlan => _mode == DatapathNames.CalicoVxlan;
    private bool Ebpf => _mode == DatapathNames.CalicoEbpf;

    private bool Encrypted => NodeEncryptionKinds.Uses(Cluster.Scenario.Cni, NodeEncryptionKinds.WireGuard);
    private readonly Dictionary<BuiltNode, WireGuardDevice> _wireguard = new();

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        node.PodGateway = PodGateway;
        _cni[node] = cniNode;
        // natOutgoing SNATs in the host's iptables, so the eBPF dataplane's nodes then keep the kernel's conntrack for
        // what reaches netfilter (flows the programs redirect never do).
        if (Ebpf && !Cluster.Scenario.Cni.Masquerade) node.Host.Conntrack.Mode = Datapaths.Conntrack.ConntrackMode.Off;
        if (Encrypted) _wireguard[node] = NodeEncryption.Device(node, "wireguard.cali", node.Spec.Nic.Mtu - NodeEncryption.Overhead);
        if (!Ipip && !Vxlan) return;
        // The tunnel device takes an address from the node's first block, as Calico's IPAM assigns it.
        var tunnelIp = Assign(node, $"{node.Name}-tunnel");
        node.TunnelAddress = tunnelIp;
        var cni = Cluster.Scenario.Cni;
        NetDevice dev = Ipip
            ? new IpipDevice(node.Host, "tunl0", node.Eth0, node.Address)
            : new VxlanDevice(node.Host, "vxlan.calico", (uint)cni.Vni, (ushort)cni.VxlanPort, node.Eth0, node.Address);
        node.Host.AddAddress(dev, $"{tunnelIp}/32");
        node.Tunnel = dev;
    }

    /// <summary>The calico plugin with calico-ipam over the cluster's shared block allocator (the datastore).</summary>
    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) =>
        plugins.Add(new CalicoPlugin(cni)).Add(new CalicoIpamPlugin(_ipam));

    /// <summary>The 10-calico.conflist calico.yaml's install-cni writes (reference §1.5); the bandwidth plugin passes through without annotations.</summary>
    protected override string DefaultConflist(BuiltNode node) => """
        {"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[
         {"type":"calico","log_level":"info","log_file_path":"/var/log/calico/cni/cni.log","datastore_type":"kubernetes",
          "nodename":"__KUBERNETES_NODE_NAME__","mtu":__CNI_MTU__,"ipam":{"type":"calico-ipam"},"policy":{"type":"k8s"},
          "kubernetes":{"kubeconfig":"/etc/cni/net.d/calico-kubeconfig"}},
         {"type":"portmap","snat":true,"capabilities":{"portMappings":true}},
         {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
        """;

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        var policies = PolicyWiring.Of(Cluster);
        var identities = policies is null || !Ebpf ? null : new Policy.PolicyIdentities(policies);
        var routes = ConvergeBgp(nodes);
        foreach (var n in nodes)
        {
            foreach (var b in _ipam.BlocksOf(n.Name)) Cluster.Fabric.AddHostRoute(n, ToPrefix(b.Cidr));
            foreach (var (prefix, nextHop) in routes[n.Name]) InstallBlockRoute(n, nodes.First(p => p.Address == nextHop), prefix);
            if (Ebpf) AttachPrograms(n, identities is null ? null : PolicyWiring.Bpf(policies!, identities, n, nodes, cidrMatchesEndpoints: true));
            else CalicoFelixIptables.Install(n, Ipip, Vxlan, policies);
            if (Cluster.Scenario.Cni.Masquerade) CalicoNatOutgoing.Install(n, Cluster.Scenario.Cluster.PodCidr, Ebpf);
        }
    }

    public override string PolicyAgent => Ebpf ? "felix-bpf" : "felix-iptables";

    public override int ProgramPolicy(BuiltNode node, Policy.ClusterPolicies? policies)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!Ebpf) return CalicoFelixIptables.Reprogram(node, Ipip, Vxlan, policies);
        if (policies is null || node.PolicyEnforcer is not { } enforcer) return 0;
        enforcer.Reprogram(policies, policies.Endpoints.Where(e => e.Node == node.Name));
        return enforcer.Entries;
    }

    public override int PolicyStateSize(BuiltNode node) => Ebpf ? node?.PolicyEnforcer?.Entries ?? 0 : CalicoFelixIptables.RuleCount(node!);

    public override int PolicyWriteSize(BuiltNode node, Policy.ClusterPolicies? policies) =>
        Ebpf ? PolicyStateSize(node) : CalicoFelixIptables.RestoreLines(node, Ipip, Vxlan, policies);

    /// <summary>Felix keeps cali-PREROUTING / cali-FORWARD first (ChainInsertMode insert).</summary>
    public override void AfterKubeProxySync(BuiltNode node)
    {
        if (!Ebpf) IptablesFeeders.KeepFirst(node, CalicoFelixIptables.FeederComment);
    }

    /// <summary>Block routes come from BIRD over BGP (every mode but VXLAN, where Felix programs them from the IPAM blocks).</summary>
    public bool RoutesOverBgp => !Vxlan;

    // Routes withdrawn per node that went away, to install again when its sessions come back.
    private readonly Dictionary<BuiltNode, List<(BuiltNode On, Datapaths.Routing.Route Route)>> _withdrawn = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <paramref name="gone"/> went silent: replays BIRD's sessions from the converged state on their own clock (each
    /// peer's hold timer or BFD drops its session after <paramref name="detect"/>; a route reflector then sends the
    /// withdrawals on to its clients, <paramref name="hop"/> per session) and returns when each other node's kernel loses
    /// which block route, measured from the failure. Nodes in <paramref name="alreadyDown"/> are silent from the start.
    /// </summary>
    public IReadOnlyList<BgpRouteChange> PlanWithdrawals(BuiltNode gone, IReadOnlyList<BuiltNode> nodes, IReadOnlySet<string> alreadyDown, SimTime detect, SimTime hop)
    {
        ArgumentNullException.ThrowIfNull(gone);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(alreadyDown);
        var (control, speakers, plan) = Replay(nodes, alreadyDown, hop);
        speakers[nodes.ToList().IndexOf(gone)].Shutdown(detect);
        control.Run();
        return plan.Where(c => !c.Relearned).ToList();
    }

    /// <summary>
    /// The BGP session between <paramref name="a"/> and <paramref name="b"/> is reset: both ends forget what it carried at
    /// once (a reflector passes the withdrawals on, <paramref name="hop"/> per session), and after <paramref name="reconnect"/>
    /// it is established again and the routes re-learned. Returns each node's kernel route changes, timed from the reset.
    /// </summary>
    public IReadOnlyList<BgpRouteChange> PlanSessionReset(BuiltNode a, BuiltNode b, IReadOnlyList<BuiltNode> nodes, IReadOnlySet<string> alreadyDown, SimTime hop, SimTime reconnect)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var (control, speakers, plan) = Replay(nodes, alreadyDown, hop);
        long start = control.NowPicoseconds;
        var list = nodes.ToList();
        BgpSpeaker sa = speakers[list.IndexOf(a)], sb = speakers[list.IndexOf(b)];
        sa.ResetSession(sb);
        sb.ResetSession(sa);
        control.RunUntil(new SimTime(start + reconnect.Picoseconds));
        sa.ReestablishSession(sb);
        sb.ReestablishSession(sa);
        control.Run();
        return plan;
    }

    /// <summary>The fabric converged on its own clock, every later route change on each node recorded, timed from now.</summary>
    private (Simulator Control, List<BgpSpeaker> Speakers, List<BgpRouteChange> Plan) Replay(IReadOnlyList<BuiltNode> nodes, IReadOnlySet<string> alreadyDown, SimTime hop)
    {
        var control = new Simulator();
        var (speakers, _) = Fabric(control, nodes, hop, alreadyDown);
        control.Run();
        long start = control.NowPicoseconds;
        var plan = new List<BgpRouteChange>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var on = nodes[i];
            speakers[i].RouteWithdrawn += p => plan.Add(new BgpRouteChange(new SimTime(control.NowPicoseconds - start), on, p));
            speakers[i].RouteInstalled += (p, _) => plan.Add(new BgpRouteChange(new SimTime(control.NowPicoseconds - start), on, p, Relearned: true));
        }
        return (control, speakers, plan);
    }

    // Kernel routes a session reset took away, per node and prefix, until the session brings them back.
    private readonly Dictionary<(BuiltNode On, Ipv4Prefix Prefix), List<Datapaths.Routing.Route>> _reset = new();

    /// <summary>A session reset cost <paramref name="on"/> its route to <paramref name="prefix"/> (true), or brought it back (false); returns the kernel routes changed.</summary>
    public int ApplySessionChange(BgpRouteChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = (change.On, change.Prefix);
        var table = change.On.Host.Routes;
        if (change.Relearned)
        {
            // A best path that moved to another session with the same next hop changes nothing in the kernel.
            if (!_reset.Remove(key, out var back)) return 0;
            foreach (var r in back) table.Add(r);
            return back.Count;
        }
        var gone = table.Routes.Where(r => r.Prefix == change.Prefix).ToList();
        foreach (var r in gone) table.Remove(r);
        if (gone.Count > 0) _reset[key] = gone;
        return gone.Count;
    }

    /// <summary>BIRD on <paramref name="on"/> withdrew <paramref name="prefix"/>: the kernel route goes, remembered against <paramref name="gone"/> to return when it is back.</summary>
    public int Withdraw(BuiltNode gone, BuiltNode on, Ipv4Prefix prefix)
    {
        ArgumentNullException.ThrowIfNull(gone);
        ArgumentNullException.ThrowIfNull(on);
        if (!_withdrawn.TryGetValue(gone, out var removed)) _withdrawn[gone] = removed = new();
        int n = 0;
        foreach (var route in on.Host.Routes.Routes.Where(r => r.Prefix == prefix).ToList())
            if (on.Host.Routes.Remove(route)) { removed.Add((on, route)); n++; }
        return n;
    }

    /// <summary>The sessions to <paramref name="node"/> are up again and its blocks re-learned: the withdrawn routes return.</summary>
    public int RestoreBlocksOf(BuiltNode node) => RestoreBlocksOf(node, _ => true);

    /// <summary>The routes to <paramref name="node"/>'s blocks return on the nodes <paramref name="on"/> accepts (those its re-established sessions reached so far).</summary>
    public int RestoreBlocksOf(BuiltNode node, Func<BuiltNode, bool> on)
    {
        ArgumentNullException.ThrowIfNull(on);
        if (!_withdrawn.TryGetValue(node, out var routes)) return 0;
        var back = routes.Where(r => on(r.On)).ToList();
        foreach (var (n, route) in back) n.Host.Routes.Add(route);
        routes.RemoveAll(r => on(r.On));
        if (routes.Count == 0) _withdrawn.Remove(node);
        return back.Count;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have a BGP session: any two in a full mesh; with route reflectors, when one of them is a reflector.</summary>
    public bool HaveSession(BuiltNode a, BuiltNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var cni = Cluster.Scenario.Cni;
        return cni.BgpTopology != "route-reflectors" || cni.RouteReflectors.Contains(a.Name) || cni.RouteReflectors.Contains(b.Name);
    }

    private Ipv4Address Assign(BuiltNode node, string handle) => new((uint)_ipam.AutoAssign(node.Name, handle).Value);

    /// <summary>
    /// Runs the BGP control plane to convergence on its own clock before traffic starts (the cluster is up when
    /// the experiment begins) and returns each node's learned routes; the convergence time goes into the report.
    /// </summary>
    private Dictionary<string, SortedDictionary<Ipv4Prefix, Ipv4Address>> ConvergeBgp(IReadOnlyList<BuiltNode> nodes)
    {
        var control = new Simulator();
        var learned = new Dictionary<string, SortedDictionary<Ipv4Prefix, Ipv4Address>>();
        // One BGP message's hop (TCP on the node network, BIRD's processing): the profile's control.bgp_update_delay.
        var hop = Dynamics.ControlPlaneTimers.Resolve(Cluster.Scenario, Cluster.Profile).BgpUpdateDelay;
        var (speakers, fabric) = Fabric(control, nodes, hop, new HashSet<string>());
        for (int i = 0; i < nodes.Count; i++)
        {
            var table = learned[nodes[i].Name] = new SortedDictionary<Ipv4Prefix, Ipv4Address>();
            speakers[i].RouteInstalled += (p, nh) => table[p] = nh;
            speakers[i].RouteWithdrawn += p => table.Remove(p);
        }
        control.Run();
        BgpConvergence = fabric.ConvergedAt;
        BgpSessions = fabric.Sessions;
        return learned;
    }

    /// <summary>The scenario's BGP fabric (full mesh or route reflectors), every up node originating its blocks; nothing run yet.</summary>
    private (List<BgpSpeaker> Speakers, BgpFabric Fabric) Fabric(Simulator control, IReadOnlyList<BuiltNode> nodes, SimTime hop, IReadOnlySet<string> down)
    {
        var cni = Cluster.Scenario.Cni;
        var speakers = nodes.Select(n => new BgpSpeaker(control, n.Name, n.Address, n.Index, cni.RouteReflectors.Contains(n.Name))).ToList();
        var fabric = cni.BgpTopology == "route-reflectors"
            ? BgpFabric.WithRouteReflectors(speakers, hop)
            : BgpFabric.FullMesh(speakers, hop);
        for (int i = 0; i < nodes.Count; i++)
        {
            if (down.Contains(nodes[i].Name)) speakers[i].Shutdown(SimTime.Zero);
            else foreach (var b in _ipam.BlocksOf(nodes[i].Name)) speakers[i].Originate(ToPrefix(b.Cidr));
        }
        return (speakers, fabric);
    }

    private void InstallBlockRoute(BuiltNode n, BuiltNode peer, Ipv4Prefix block)
    {
        bool sameSubnet = n.NodeSubnet.Contains(peer.Address);
        bool encapsulate = Ipip && (Cluster.Scenario.Cni.IpipMode == "Always" || !sameSubnet) || Vxlan;
        if (_wireguard.TryGetValue(n, out var wg))
        {
            NodeEncryption.Route(n, wg, peer, block);
        }
        else if (encapsulate && n.Tunnel is VxlanDevice vx)
        {
            n.Host.AddRoute(block.ToString(), vx, via: peer.TunnelAddress.ToString(), onLink: true);
            vx.AddRemoteVtep(peer.TunnelAddress, peer.Tunnel!.Mac, peer.Address);
        }
        else if (encapsulate && n.Tunnel is IpipDevice tunl)
        {
            n.Host.AddRoute(block.ToString(), tunl, via: peer.Address.ToString(), onLink: true);
        }
        else
        {
            n.Host.AddRoute(block.ToString(), n.Eth0, via: (sameSubnet ? peer.Address : n.NodeSubnet.Address(1)).ToString());
        }
    }

    /// <summary>
    /// The eBPF dataplane's fast path: from a pod (tc ingress on cali…), a local destination goes straight into
    /// its pod (bpf_redirect_peer) and a remote one out of eth0 (bpf_redirect_neigh); from the wire (tc ingress on
    /// eth0), a local pod is entered directly. Everything else takes the host stack.
    /// </summary>
    private void AttachPrograms(BuiltNode n, Policy.BpfPolicyEnforcer? policy)
    {
        var local = _cni[n].LocalEndpoints;
        n.PodProgram = policy is null ? (p, _, _) => PodRedirect.FromPod(n, local, p) : (p, _, _) => PodRedirect.FromPod(n, local, p, policy);
        n.NodeProgram = policy is null ? (p, _, _) => PodRedirect.FromWire(local, p) : (p, _, _) => PodRedirect.FromWire(local, p, policy);
        if (Cluster.Scenario.Cni.Masquerade)
        {
            var inbound = new BpfInboundFlows();
            n.PodProgram = NatOutgoingToStack(n.PodProgram, Cluster.Scenario.Cluster.PodCidr, inbound);
            n.NodeProgram = NotingInbound(n.NodeProgram, Cluster.Scenario.Cluster.PodCidr, inbound);
        }
        var fromPod = new DelegateBpfProgram("calico_tc_from_workload", n.PodProgram);
        foreach (var (_, veth) in local) veth.TcIngress = fromPod;
        n.Eth0.TcIngress = new DelegateBpfProgram("calico_tc_from_host_endpoint", n.NodeProgram);
        if (policy is null) return;
        // Into a pod through the host stack (from the node itself, or routed): the workload's tc egress program.
        n.ToPodProgram = (p, _, _) => policy.Ingress(p);
        var toPod = new DelegateBpfProgram("calico_tc_to_workload", n.ToPodProgram);
        foreach (var (_, veth) in local) veth.TcEgress = toPod;
    }

    /// <summary>Felix programs a new workload endpoint: its eBPF programs on the cali veth, or its iptables chains and dispatch rules.</summary>
    public override void AttachNewPod(BuiltNode node, BuiltPod pod)
    {
        if (pod.HostVeth is not { } veth) return;
        if (!Ebpf)
        {
            CalicoFelixIptables.AddWorkload(node, pod, Ipip, Vxlan);
            return;
        }
        if (node.PodProgram is { } fromPod) veth.TcIngress = new DelegateBpfProgram("calico_tc_from_workload", fromPod);
        if (node.ToPodProgram is { } toPod) veth.TcEgress = new DelegateBpfProgram("calico_tc_to_workload", toPod);
    }

    /// <summary>
    /// CALI_ST_NAT_OUTGOING: a new connection from the pool to outside every pool is not redirected but left to the host
    /// stack, whose iptables SNATs it; a reply of an inbound connection (the CT map knows it) is redirected as before.
    /// </summary>
    private static Func<Engine.Packets.Packet, BpfHookPoint, NetDevice, BpfResult> NatOutgoingToStack(
        Func<Engine.Packets.Packet, BpfHookPoint, NetDevice, BpfResult> program, Ipv4Prefix pool, BpfInboundFlows inbound) => (p, hook, dev) =>
    {
        BpfResult r = program(p, hook, dev);
        if (r.Verdict != BpfVerdict.RedirectNeigh || !CalicoNatOutgoing.Applies(pool, p.Ipv4.Source, p.Ipv4.Destination)) return r;
        bool reply = inbound.IsReply(p, out int ops);
        if (!reply) p.Mark = (p.Mark & ~CalicoNatOutgoing.SeenNatOutgoingMask) | CalicoNatOutgoing.SeenNatOutgoingMark;
        return (reply ? r : BpfResult.Pass) with { MapLookups = r.MapLookups + ops };
    };

    /// <summary>From the wire into a local pod from outside the pool: the connection is inbound (its replies are not NAT-outgoing).</summary>
    private static Func<Engine.Packets.Packet, BpfHookPoint, NetDevice, BpfResult> NotingInbound(
        Func<Engine.Packets.Packet, BpfHookPoint, NetDevice, BpfResult> program, Ipv4Prefix pool, BpfInboundFlows inbound) => (p, hook, dev) =>
    {
        BpfResult r = program(p, hook, dev);
        if (r.Verdict != BpfVerdict.RedirectPeer || pool.Contains(p.Ipv4.Source)) return r;
        return r with { MapLookups = r.MapLookups + inbound.NoteInbound(p) };
    };

    private static Ipv4Prefix ToPrefix(IpamSubnet s) => new(new Ipv4Address((uint)s.Network.Value), s.PrefixLength);
}
