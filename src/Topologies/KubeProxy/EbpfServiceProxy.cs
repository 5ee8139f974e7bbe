using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>What the eBPF load balancer does with traffic to a Service that has no backend at all.</summary>
public enum NoBackendResponse
{
    /// <summary>Answer ICMP destination (port) unreachable and drop (Cilium's serviceNoBackendResponse: reject, the default).</summary>
    Reject,
    /// <summary>Drop silently.</summary>
    Drop,
}

/// <summary>
/// A kube-proxy replacement in eBPF (Cilium's KPR, Calico's eBPF dataplane): Service translation without netfilter.
/// tc programs look the packet's destination up in their own LB map (one hash probe), pick a backend (random, or
/// the client's ClientIP-affinity entry), record the connection in their own connection table and rewrite the
/// packet; replies are reverse-translated from that table. Where it runs (<see cref="AttachToPod"/>,
/// <see cref="AttachToNode"/>, <see cref="AttachSocketLb"/>):
/// <list type="bullet">
/// <item>host side of a pod's veth, tc ingress ("from-container"): ClusterIP and NodePort translation of what the
/// pod sends, reverse translation of what a local backend answers; tc egress ("to-container"): reverse
/// translation of replies reaching a client pod;</item>
/// <item>the node's device, tc ingress ("from-netdev"): NodePort and external-IP traffic from outside (an external
/// IP is a service-map frontend of its own, with the NodePort's external policy) — to a local backend with
/// the client address kept, to a remote one (externalTrafficPolicy Cluster) with source NAT to the node address
/// so the reply comes back here — and the replies of those connections;</item>
/// <item>socket-level LB: translation in the pod's own egress tc hook, standing for the connect()-time rewrite
/// (each packet still charges the program).</item>
/// </list>
/// Each run charges <c>bpf.program</c> × the program's cost units; the map lookups are part of that constant cost.
/// A pod reaching itself through its Service is source-NATed to 169.254.42.1 (Cilium's IPV4_LOOPBACK).
/// internalTrafficPolicy Local and externalTrafficPolicy Local use only local backends and drop without one.
/// <see cref="NoConntrack"/> also installs raw-table NOTRACK rules for the cluster CIDR (Cilium's
/// installNoConntrackIptablesRules), so pod traffic skips netfilter's conntrack entirely. Connection entries
/// expire lazily (TCP 6 h, 10 s after FIN/RST; others 60 s). Not modelled: DSR, Maglev, XDP acceleration, host-
/// namespace clients (socket LB in the host), ICMP errors about translated connections.
/// </summary>
public sealed class EbpfServiceProxy : IServiceProxy
{
    /// <summary>IPV4_LOOPBACK: the source Cilium gives hairpin connections.</summary>
    public static readonly Ipv4Address HairpinSource = Ipv4Address.Parse("169.254.42.1");
    private const ushort SnatPortMin = 32768, SnatPortMax = 60999;
    private static readonly long TcpLifetimePs = 21600 * SimTime.PicosPerSecond;
    private static readonly long TcpCloseLifetimePs = 10 * SimTime.PicosPerSecond;
    private static readonly long OtherLifetimePs = 60 * SimTime.PicosPerSecond;

    private readonly BpfLbMaps _own = new();
    private BpfLbMaps? _shared;
    // cilium_lb4_affinity: client address per Service frontend → (backend, expiry), the node's own; made on first use.
    private Dictionary<(BpfLbService Service, uint Client), (ServiceEndpoint Backend, long Expires)>? _affinity;
    private readonly Dictionary<ConntrackTuple, BpfLbFlow> _flows = new();
    private readonly Dictionary<ConntrackTuple, BpfLbFlow> _replies = new();
    private readonly int _costUnits;
    private Random? _random;
    private NetworkNamespace? _ns;
    private KubeProxyNodeConfig? _node;
    private bool _notrackInstalled;

    /// <param name="costUnits">bpf.program charges per run of a program (LB lookup, CT lookup, rewrite).</param>
    /// <param name="random">The stream backend selection draws from; by default one seeded from the node's name.</param>
    public EbpfServiceProxy(int costUnits = 1, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(costUnits);
        _costUnits = costUnits;
        _random = random;
    }

    public string Mode => "ebpf";
    /// <summary>Install NOTRACK rules for pod traffic (set before the first sync).</summary>
    public bool NoConntrack { get; init; }
    public NoBackendResponse NoBackendResponse { get; init; } = NoBackendResponse.Reject;

    /// <summary>LB map entries: one per frontend plus one per backend slot (what "cilium service list" shows).</summary>
    public int RuleCount { get; private set; }
    /// <summary>Service-map frontends this node wrote itself; the others it reads from the maps every node shares.</summary>
    public int OwnFrontends => _own.Count;
    /// <summary>Connections translated (new flows), packets reverse-translated, packets dropped for want of a backend.</summary>
    public long Translations { get; private set; }
    public long ReverseTranslations { get; private set; }
    public long NoBackendDrops { get; private set; }
    /// <summary>Live entries of the LB connection table.</summary>
    public int Connections => _flows.Count;

    public void Sync(NetworkNamespace hostNs, KubeProxyNodeConfig node, IReadOnlyList<ServicePort> services)
    {
        ArgumentNullException.ThrowIfNull(hostNs);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(services);
        node.Validate();
        foreach (ServicePort s in services) s.Validate();
        if (_ns is not null && _ns != hostNs) throw new InvalidOperationException($"this proxy programs {_ns}, not {hostNs}");
        _ns = hostNs;
        _node = node;
        _random ??= new Random(StableHash.Seed(node.NodeName + "/ebpf-lb"));
        _affinity?.Clear(); // the sync writes the service map afresh: no affinity entry outlives it
        _shared = BpfLbMaps.Shared(services);
        RuleCount = WriteOwn(services, node, _shared);
        if (_own.Overlaps(_shared))
        {
            _shared = null;
            WriteOwn(services, node, null);
        }
        if (NoConntrack && !_notrackInstalled) InstallNotrack(hostNs, node.ClusterCidr);
    }

    /// <summary>
    /// Writes the node's own frontends (every port's when <paramref name="shared"/> is null, else those of ports not
    /// the same on every node) and returns the LB map entries the node has in all: a frontend plus a backend slot each.
    /// </summary>
    private int WriteOwn(IReadOnlyList<ServicePort> services, KubeProxyNodeConfig node, BpfLbMaps? shared)
    {
        _own.Clear();
        int entries = 0;
        foreach (ServicePort svc in services)
        {
            EndpointCategories eps = EndpointCategories.Of(svc, node.NodeName, node.Zone);
            if (shared is null || !EndpointCategories.SameOnEveryNode(svc)) _own.Add(svc, eps);
            int frontends = 1 + svc.ExternalIps.Count + svc.LoadBalancerIps.Count + (svc.NodePort != 0 ? 1 : 0);
            entries += frontends * (1 + eps.Cluster.Count);
        }
        return entries;
    }

    private bool TryGetClusterIp(in ServiceFrontend f, out BpfLbService svc) =>
        _own.TryGetClusterIp(f, out svc) || (_shared is not null && _shared.TryGetClusterIp(f, out svc));

    private bool TryGetExternalIp(in ServiceFrontend f, out BpfLbService svc) =>
        _own.TryGetExternalIp(f, out svc) || (_shared is not null && _shared.TryGetExternalIp(f, out svc));

    private bool TryGetNodePort(byte protocol, ushort port, out BpfLbService svc) =>
        _own.TryGetNodePort(protocol, port, out svc) || (_shared is not null && _shared.TryGetNodePort(protocol, port, out svc));

    /// <summary>
    /// Attaches the from-container program (tc ingress) and the to-container program (tc egress) to the host side
    /// of a pod's veth. <paramref name="next"/> is the rest of the CNI's from-container program (its redirects), run
    /// after the Service translation in the same program run (one charge); without it the packet continues
    /// (TC_ACT_OK). The to-container side only reverse-translates: a packet there is already on its way into the pod.
    /// </summary>
    public void AttachToPod(NetDevice hostSide, Func<Packet, BpfHookPoint, NetDevice, BpfResult>? next = null,
        Func<Packet, BpfHookPoint, NetDevice, BpfResult>? toContainer = null)
    {
        ArgumentNullException.ThrowIfNull(hostSide);
        CheckFree(hostSide.TcIngress, hostSide, "tc ingress");
        CheckFree(hostSide.TcEgress, hostSide, "tc egress");
        hostSide.TcIngress = Program("from-container", Point.FromPod, next);
        hostSide.TcEgress = toContainer is null ? Program("to-container", Point.ToPod, null) : PolicyFirst("to-container", toContainer);
    }

    /// <summary>The CNI's to-container step (its ingress policy, on the packet as it arrived) before the reverse translation.</summary>
    private DelegateBpfProgram PolicyFirst(string name, Func<Packet, BpfHookPoint, NetDevice, BpfResult> first) =>
        new(name, (p, hook, dev) =>
        {
            BpfResult policy = first(p, hook, dev);
            if (policy.Verdict != BpfVerdict.Pass) return policy;
            BpfResult r = Run(p, Point.ToPod, dev);
            return r with { MapLookups = r.MapLookups + policy.MapLookups };
        }, _costUnits);

    /// <summary>Attaches the from-netdev program (tc ingress) to a node device (eth0) for NodePort traffic and its replies.</summary>
    public void AttachToNode(NetDevice device, Func<Packet, BpfHookPoint, NetDevice, BpfResult>? next = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        CheckFree(device.TcIngress, device, "tc ingress");
        device.TcIngress = Program("from-netdev", Point.FromNetdev, next);
    }

    /// <summary>
    /// Socket-level LB for a pod: the pod's own device translates what it sends (tc egress, standing for the
    /// connect() hook) and reverse-translates what it receives (tc ingress, standing for recvmsg/getpeername).
    /// </summary>
    public void AttachSocketLb(NetDevice podDevice)
    {
        ArgumentNullException.ThrowIfNull(podDevice);
        CheckFree(podDevice.TcEgress, podDevice, "tc egress");
        CheckFree(podDevice.TcIngress, podDevice, "tc ingress");
        podDevice.TcEgress = Program("sock4_connect", Point.SocketConnect, null);
        podDevice.TcIngress = Program("sock4_recvmsg", Point.SocketReceive, null);
    }

    /// <summary>
    /// The Service tuple (client → frontend) of a connection this balancer translated, given the translated packet's
    /// tuple (client or its SNAT address → backend); false for a connection it did not translate.
    /// </summary>
    public bool TryServiceTuple(Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort, byte protocol, out ConntrackTuple original)
    {
        if (_replies.TryGetValue(new ConntrackTuple(destination, source, destinationPort, sourcePort, protocol), out var flow))
        {
            original = flow.Original;
            return true;
        }
        original = default;
        return false;
    }

    private static void CheckFree(BpfProgram? slot, NetDevice device, string hook)
    {
        if (slot is not null) throw new InvalidOperationException($"{device}: {hook} already runs {slot.Name}; pass the CNI's program as 'next'");
    }

    private DelegateBpfProgram Program(string name, Point point, Func<Packet, BpfHookPoint, NetDevice, BpfResult>? next) =>
        new(name, (p, hook, dev) =>
        {
            BpfResult r = Run(p, point, dev);
            return r.Verdict != BpfVerdict.Pass || next is null ? r : next(p, hook, dev);
        }, _costUnits);

    /// <summary>Where a program runs: what it may translate.</summary>
    private enum Point
    {
        FromPod,
        ToPod,
        FromNetdev,
        SocketConnect,
        SocketReceive,
    }

    private BpfResult Run(Packet p, Point point, NetDevice device)
    {
        if (_ns is null) return BpfResult.Pass;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0 || !ConntrackTuple.TryFrom(p, ip, out ConntrackTuple t) || t.Protocol is not (Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp))
            return BpfResult.Pass;
        long now = _ns.Node.Sim.NowPicoseconds;
        if (point != Point.SocketConnect && Live(_replies, t, now) is { } reply)
        {
            Refresh(reply, p, ip, now);
            ReverseTranslate(p, ip, reply);
            return Onward(p, point, device);
        }
        if (point is Point.ToPod or Point.SocketReceive) return BpfResult.Pass;
        if (Live(_flows, t, now) is { } flow)
        {
            Refresh(flow, p, ip, now);
            Translate(p, ip, flow);
            return Onward(p, point, device);
        }
        long before = Translations;
        BpfResult verdict = NewFlow(p, ip, t, point, now);
        return verdict.Verdict == BpfVerdict.Pass && Translations != before ? Onward(p, point, device) : verdict;
    }

    private BpfResult NewFlow(Packet p, int ip, in ConntrackTuple t, Point point, long now)
    {
        var frontend = new ServiceFrontend(t.Destination, t.Protocol, t.DestinationPort);
        bool nodePort = false;
        if (!TryGetClusterIp(frontend, out BpfLbService? svc) && TryGetExternalIp(frontend, out BpfLbService? byExternalIp))
        {
            svc = byExternalIp;
            nodePort = true;
        }
        else if (svc is null)
        {
            if (!_ns!.IsLocalAddress(t.Destination) || !TryGetNodePort(t.Protocol, t.DestinationPort, out svc))
                return BpfResult.Pass;
            nodePort = true;
        }
        bool external = nodePort && point == Point.FromNetdev;
        bool localOnly = nodePort ? external && svc.Port.ExternalTrafficPolicyLocal : svc.Port.InternalTrafficPolicyLocal;
        IReadOnlyList<ServiceEndpoint> backends = localOnly ? svc.Local : svc.Cluster;
        if (backends.Count == 0) return NoBackend(p, svc);

        ServiceEndpoint backend = Pick(svc, backends, t.Source, now);
        Ipv4Address source = t.Source;
        ushort sourcePort = t.SourcePort;
        if (point == Point.FromPod && backend.Ip == t.Source) source = HairpinSource;
        else if (external && backend.Node != _node!.NodeName) source = _node.NodeIp;
        if (source != t.Source) sourcePort = SnatPort(backend, source, t.SourcePort, t.Protocol);

        var flow = new BpfLbFlow { Original = t, Backend = backend, Source = source, SourcePort = sourcePort };
        _flows[t] = flow;
        _replies[flow.ReplyKey] = flow;
        Refresh(flow, p, ip, now);
        Translations++;
        Translate(p, ip, flow);
        return BpfResult.Pass;
    }

    /// <summary>
    /// After from-netdev translated a packet that leaves by the device it came in on (NodePort to a remote backend,
    /// or the reply going back to the client), the program sends it straight back out (nodeport_lb4 → fib_redirect:
    /// bpf_redirect_neigh), never entering the host stack; anything else goes on as it was.
    /// </summary>
    private BpfResult Onward(Packet p, Point point, NetDevice device)
    {
        if (point != Point.FromNetdev || !p.Has(HeaderKind.Ipv4)) return BpfResult.Pass;
        var dst = p.Ipv4.Destination;
        if (_ns!.IsLocalAddress(dst)) return BpfResult.Pass;
        return _ns.LookupRoute(dst)?.Device == device ? BpfResult.RedirectNeigh(device) : BpfResult.Pass;
    }

    private BpfResult NoBackend(Packet p, BpfLbService svc)
    {
        NoBackendDrops++;
        if (!svc.HasAny && NoBackendResponse == NoBackendResponse.Reject)
            _ns!.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable);
        return BpfResult.Drop;
    }

    /// <summary>The affinity entry's backend if still valid, else a uniformly random one (Cilium's default "random" algorithm).</summary>
    private ServiceEndpoint Pick(BpfLbService svc, IReadOnlyList<ServiceEndpoint> backends, Ipv4Address client, long now)
    {
        ServicePort port = svc.Port;
        if (port.SessionAffinityClientIp && _affinity is not null && _affinity.TryGetValue((svc, client.Value), out var a) && a.Expires > now && Contains(backends, a.Backend))
        {
            _affinity[(svc, client.Value)] = (a.Backend, now + port.AffinityTimeoutSeconds * SimTime.PicosPerSecond);
            return a.Backend;
        }
        ServiceEndpoint b = backends[_random!.Next(backends.Count)];
        if (port.SessionAffinityClientIp) (_affinity ??= new())[(svc, client.Value)] = (b, now + port.AffinityTimeoutSeconds * SimTime.PicosPerSecond);
        return b;
    }

    private static bool Contains(IReadOnlyList<ServiceEndpoint> list, ServiceEndpoint e)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == e) return true;
        return false;
    }

    /// <summary>The client's port when the reply tuple is free, else a random free one of the SNAT range.</summary>
    private ushort SnatPort(ServiceEndpoint backend, Ipv4Address source, ushort preferred, byte protocol)
    {
        if (!_replies.ContainsKey(new ConntrackTuple(backend.Ip, source, backend.Port, preferred, protocol))) return preferred;
        for (int attempt = 0; attempt < 128; attempt++)
        {
            var port = (ushort)_random!.Next(SnatPortMin, SnatPortMax + 1);
            if (!_replies.ContainsKey(new ConntrackTuple(backend.Ip, source, backend.Port, port, protocol))) return port;
        }
        return preferred; // exhausted: reuse (the kernel would drop; not reached in practice)
    }

    private static BpfLbFlow? Live(Dictionary<ConntrackTuple, BpfLbFlow> map, in ConntrackTuple t, long now)
    {
        if (!map.TryGetValue(t, out BpfLbFlow? f)) return null;
        return f.ExpiresAt > now ? f : null;
    }

    /// <summary>Extends the entry's lifetime; once a FIN or RST was seen, only by the close timeout.</summary>
    private static void Refresh(BpfLbFlow f, Packet p, int ip, long now)
    {
        int l4 = PacketFields.TransportIndex(p, ip);
        bool closing = l4 >= 0 && p.Layer(l4).Kind == HeaderKind.Tcp && (p.Layer(l4).Tcp.Has(TcpFlags.Fin) || p.Layer(l4).Tcp.Has(TcpFlags.Rst));
        f.Closing |= closing;
        f.ExpiresAt = now + (f.Original.Protocol != Ipv4Header.ProtocolTcp ? OtherLifetimePs : f.Closing ? TcpCloseLifetimePs : TcpLifetimePs);
    }

    /// <summary>Client → backend: destination to the backend, source to the SNAT address if any.</summary>
    private static void Translate(Packet p, int ip, BpfLbFlow f)
    {
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        iph.Destination = f.Backend.Ip;
        iph.Source = f.Source;
        PacketFields.SetPorts(p, PacketFields.TransportIndex(p, ip), f.SourcePort, f.Backend.Port);
    }

    /// <summary>Backend → client: source back to the frontend, destination back to the client.</summary>
    private void ReverseTranslate(Packet p, int ip, BpfLbFlow f)
    {
        ReverseTranslations++;
        ref Ipv4Header iph = ref p.Layer(ip).Ipv4;
        iph.Source = f.Original.Destination;
        iph.Destination = f.Original.Source;
        PacketFields.SetPorts(p, PacketFields.TransportIndex(p, ip), f.Original.DestinationPort, f.Original.SourcePort);
    }

    /// <summary>Cilium's no-conntrack rules: raw PREROUTING and OUTPUT "-s/-d clusterCIDR -j CT --notrack".</summary>
    private void InstallNotrack(NetworkNamespace ns, Ipv4Prefix clusterCidr)
    {
        IptTable raw = ns.Netfilter.Raw;
        foreach (NfInetHook hook in new[] { NfInetHook.PreRouting, NfInetHook.LocalOut })
        {
            IptChain chain = raw.GetOrCreateChain(hook == NfInetHook.PreRouting ? "CILIUM_PRE_raw" : "CILIUM_OUTPUT_raw");
            chain.Append(new IptRule { Source = clusterCidr, Target = NotrackTarget.Instance, Comment = "cilium: NOTRACK for pod traffic" });
            chain.Append(new IptRule { Destination = clusterCidr, Target = NotrackTarget.Instance, Comment = "cilium: NOTRACK for pod traffic" });
            raw.Builtin(hook).Insert(0, new IptRule { Target = StandardTarget.Jump(chain) });
        }
        _notrackInstalled = true;
    }
}
