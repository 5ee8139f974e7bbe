using NetSim.Datapaths.Common;
using NetSim.Datapaths.Ebpf;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Policy;

/// <summary>
/// The policy step of an eBPF dataplane on one node (Cilium's bpf_lxc policy tail call, Calico's tc policy program):
/// for a packet leaving a local endpoint (egress) or entering one (ingress) it looks the connection up in the CT map
/// (established flows and replies pass), else resolves the peer's identity (ipcache) and looks it up in the
/// endpoint's policy map; an allowed new connection gets a CT entry, a denied packet is dropped with reason policy.
/// Traffic from the node itself to its pods is allowed (Cilium's host identity, allow-localhost; Calico's
/// host-to-workload default). Each map operation is one <c>bpf.map_lookup</c>, reported in the verdict.
/// </summary>
public sealed class BpfPolicyEnforcer
{
    private readonly Dictionary<Ipv4Address, EndpointPolicyMap> _ingress = new();
    private readonly Dictionary<Ipv4Address, EndpointPolicyMap> _egress = new();
    private readonly Dictionary<Ipv4Address, CalicoPolicyProgram> _calicoIngress = new(), _calicoEgress = new();
    private readonly PolicyIdentities _identities;
    private readonly Func<Ipv4Address, bool> _isLocalHost;
    private readonly Func<Ipv4Address, bool> _isClusterNode;
    private readonly bool _cidrMatchesEndpoints;

    /// <param name="cidrMatchesEndpoints">
    /// Calico: an ipBlock matches any address, pods' too. Cilium: CIDR rules apply only to peers outside the cluster
    /// (its docs: CIDR rules do not apply to traffic where both sides are managed by Cilium or are cluster nodes).
    /// </param>
    public BpfPolicyEnforcer(ClusterPolicies cluster, PolicyIdentities identities, IEnumerable<PolicyEndpoint> local,
        Func<Ipv4Address, bool> isLocalHost, Func<Ipv4Address, bool> isClusterNode, bool cidrMatchesEndpoints)
    {
        _identities = identities;
        _isLocalHost = isLocalHost;
        _isClusterNode = isClusterNode;
        _cidrMatchesEndpoints = cidrMatchesEndpoints;
        Program(cluster, local);
    }

    /// <summary>
    /// The agent regenerates this node's endpoints after a policy or pod change: every local endpoint's policy maps are
    /// written again from <paramref name="cluster"/> (a deleted endpoint's maps go) and the ipcache follows the pods.
    /// The CT map is kept: established connections pass without a policy lookup, as in bpf_lxc.
    /// </summary>
    public void Reprogram(ClusterPolicies cluster, IEnumerable<PolicyEndpoint> local)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _identities.Update(cluster);
        _ingress.Clear();
        _egress.Clear();
        _calicoIngress.Clear();
        _calicoEgress.Clear();
        Program(cluster, local);
    }

    private void Program(ClusterPolicies cluster, IEnumerable<PolicyEndpoint> local)
    {
        bool cidrMatchesEndpoints = _cidrMatchesEndpoints;
        var identities = _identities;
        // Calico's agent reads Kubernetes and Calico policies, Cilium's Kubernetes and Cilium policies.
        var calico = cidrMatchesEndpoints && cluster.Calico.Count > 0 ? new CalicoEndpoints(cluster) : null;
        foreach (var e in local)
        {
            _ingress[e.Address] = PolicyMapCompiler.Compile(cluster, identities, e, PolicyDirection.Ingress);
            _egress[e.Address] = PolicyMapCompiler.Compile(cluster, identities, e, PolicyDirection.Egress);
            if (calico is not null)
            {
                _calicoIngress[e.Address] = new CalicoPolicyProgram(calico, cluster, identities, e, PolicyDirection.Ingress);
                _calicoEgress[e.Address] = new CalicoPolicyProgram(calico, cluster, identities, e, PolicyDirection.Egress);
            }
            else if (!cidrMatchesEndpoints)
            {
                PolicyMapCompiler.AddCilium(_ingress[e.Address], cluster, identities, e, PolicyDirection.Ingress);
                PolicyMapCompiler.AddCilium(_egress[e.Address], cluster, identities, e, PolicyDirection.Egress);
            }
        }
    }

    public BpfConntrackMap Conntrack { get; } = new();

    /// <summary>The node's eBPF Service load balancer (kube-proxy replacement), when it has one.</summary>
    public KubeProxy.EbpfServiceProxy? Services { get; set; }

    /// <summary>Policy-map entries over this node's endpoints (both directions).</summary>
    public int Entries => _ingress.Values.Sum(m => m.Entries) + _egress.Values.Sum(m => m.Entries);

    /// <summary>Egress policy of the local endpoint sending <paramref name="p"/>: Pass (with its map lookups) or a policy drop.</summary>
    public BpfResult Egress(Packet p) => Check(p, PolicyDirection.Egress);

    /// <summary>Ingress policy of the local endpoint <paramref name="p"/> is for.</summary>
    public BpfResult Ingress(Packet p) => Check(p, PolicyDirection.Ingress);

    private BpfResult Check(Packet p, PolicyDirection d)
    {
        int ipIndex = p.IndexOfOuter(HeaderKind.Ipv4);
        if (ipIndex < 0) return BpfResult.Pass;
        ref Ipv4Header ip = ref p.Layer(ipIndex).Ipv4;
        Ipv4Address local = d == PolicyDirection.Egress ? ip.Source : ip.Destination;
        Ipv4Address remote = d == PolicyDirection.Egress ? ip.Destination : ip.Source;
        var maps = d == PolicyDirection.Egress ? _egress : _ingress;
        if (!maps.TryGetValue(local, out var map)) return BpfResult.Pass;
        if (d == PolicyDirection.Ingress && _isLocalHost(remote)) return BpfResult.Pass;
        PacketFields.TryGetPorts(p, PacketFields.TransportIndex(p, ipIndex), out ushort sport, out ushort dport);
        if (Conntrack.Established(d, ip.Source, ip.Destination, ip.Protocol, sport, dport, out int lookups))
            return BpfResult.Pass with { MapLookups = lookups };
        uint identity = _identities.Of(remote);
        bool endpoint = identity != 0;
        if (!endpoint) identity = _isLocalHost(remote) ? PolicyIdentities.Host : _isClusterNode(remote) ? PolicyIdentities.RemoteNode : PolicyIdentities.World;
        bool cidrApplies = _cidrMatchesEndpoints || identity == PolicyIdentities.World;
        lookups += 2; // ipcache, then the endpoint's policy map
        bool allowed = (d == PolicyDirection.Egress ? _calicoEgress : _calicoIngress).TryGetValue(local, out var program)
            ? program.Allows(identity, ip.Source, ip.Destination, remote, ip.Protocol, sport, dport, ref lookups)
            : map.Allows(identity, remote, cidrApplies, ip.Protocol, dport);
        if (!allowed)
            return BpfResult.DropWith(DropReason.PolicyDenied) with { MapLookups = lookups };
        Conntrack.Create(d, ip.Source, ip.Destination, ip.Protocol, sport, dport);
        lookups++;
        // A connection to a Service was translated just before this step: its replies may come back already
        // reverse-translated (from the ClusterIP), so the connection is also tracked by its Service tuple (Cilium's
        // CT_SERVICE entry).
        if (d == PolicyDirection.Egress && Services is { } lb && lb.TryServiceTuple(ip.Source, sport, ip.Destination, dport, ip.Protocol, out var service))
        {
            Conntrack.Create(d, service.Source, service.Destination, service.Protocol, service.SourcePort, service.DestinationPort);
            lookups++;
        }
        return BpfResult.Pass with { MapLookups = lookups };
    }
}
