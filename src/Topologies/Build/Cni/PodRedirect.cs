using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// What Cilium's and Calico's programs do before bpf_redirect_peer into a pod: rewrite the Ethernet header to
/// host-veth → pod-eth0 (the frame was addressed to the gateway or to the node) and decrement the TTL, as the
/// routing step they replace would.
/// </summary>
public static class PodRedirect
{
    /// <summary>
    /// From a pod (tc ingress on its host veth): a local destination goes straight into its pod
    /// (bpf_redirect_peer), one routed out of eth0 leaves by bpf_redirect_neigh; anything else takes the host stack.
    /// </summary>
    public static BpfResult FromPod(BuiltNode n, List<(Engine.Addressing.Ipv4Address Ip, VethDevice HostVeth)> local, Packet p)
    {
        var dst = p.Ipv4.Destination;
        foreach (var (ip, veth) in local)
            if (ip == dst) return IntoPod(p, veth);
        // Only a unicast route out of eth0 leaves by redirect: the node's own addresses (the local table) go up its stack.
        return n.Host.LookupRoute(dst) is { Type: RouteType.Unicast } r && r.Device == n.Eth0 ? BpfResult.RedirectNeigh(n.Eth0) : BpfResult.Pass;
    }

    /// <summary>From the wire (tc ingress on eth0): a packet for a local pod is entered directly.</summary>
    public static BpfResult FromWire(List<(Engine.Addressing.Ipv4Address Ip, VethDevice HostVeth)> local, Packet p)
    {
        if (!p.Has(HeaderKind.Ipv4)) return BpfResult.Pass;
        var dst = p.Ipv4.Destination;
        foreach (var (ip, veth) in local)
            if (ip == dst) return IntoPod(p, veth);
        return BpfResult.Pass;
    }

    /// <summary>
    /// <see cref="FromPod(BuiltNode, List{ValueTuple{Engine.Addressing.Ipv4Address, VethDevice}}, Packet)"/> behind the
    /// sender's egress policy, and the receiver's ingress policy when the packet goes straight into a local pod.
    /// </summary>
    public static BpfResult FromPod(BuiltNode n, List<(Engine.Addressing.Ipv4Address Ip, VethDevice HostVeth)> local, Packet p, Policy.BpfPolicyEnforcer policy)
    {
        BpfResult egress = policy.Egress(p);
        if (egress.Verdict != BpfVerdict.Pass) return egress;
        BpfResult r = FromPod(n, local, p);
        return WithIngress(r, p, policy, egress.MapLookups);
    }

    /// <summary><see cref="FromWire(List{ValueTuple{Engine.Addressing.Ipv4Address, VethDevice}}, Packet)"/> with the receiver's ingress policy.</summary>
    public static BpfResult FromWire(List<(Engine.Addressing.Ipv4Address Ip, VethDevice HostVeth)> local, Packet p, Policy.BpfPolicyEnforcer policy) =>
        WithIngress(FromWire(local, p), p, policy, 0);

    private static BpfResult WithIngress(BpfResult r, Packet p, Policy.BpfPolicyEnforcer policy, int lookups)
    {
        if (r.Verdict != BpfVerdict.RedirectPeer) return r with { MapLookups = r.MapLookups + lookups };
        BpfResult ingress = policy.Ingress(p);
        return (ingress.Verdict == BpfVerdict.Pass ? r : ingress) with { MapLookups = lookups + ingress.MapLookups };
    }

    public static BpfResult IntoPod(Packet p, VethDevice hostVeth)
    {
        if (p.TopKind == HeaderKind.Ethernet)
        {
            ref EthernetHeader eth = ref p.Ethernet;
            eth.Source = hostVeth.Mac;
            eth.Destination = hostVeth.Peer.Mac;
        }
        ref Ipv4Header ip = ref p.Ipv4;
        if (ip.Ttl <= 1) return BpfResult.Drop;
        ip.Ttl--;
        return BpfResult.RedirectPeer(hostVeth);
    }
}
