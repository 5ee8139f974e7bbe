using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// What Cilium's and Calico's programs do before bpf_redirect_peer into a pod: rewrite the Ethernet header to
/// host-veth → pod-eth0 (the frame was addressed to the gateway or to the node) and decrement the TTL, as the
/// routing step they replace would.
/// </summary>
public static class PodRedirect
{
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
