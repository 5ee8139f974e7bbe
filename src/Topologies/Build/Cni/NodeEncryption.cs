using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Transparent WireGuard between nodes (Calico's wireguard.cali, Cilium's cilium_wg0): a device per node with one
/// peer per other node whose allowed IPs are that node's pod addresses; pod routes to other nodes go through it,
/// so inter-node pod traffic is encrypted (UDP 51820, 60 bytes of IPv4 overhead).
/// </summary>
public static class NodeEncryption
{
    public static int Overhead => WireGuardDevice.HeaderOverhead;

    public static WireGuardDevice Device(BuiltNode node, string name, int mtu)
    {
        // No address: forwarded pod traffic needs none, and the outer header takes eth0's.
        return new WireGuardDevice(node.Host, name, WireGuardDevice.DefaultPort, node.Eth0, mtu);
    }

    /// <summary>
    /// Cilium's IPsec (encryption.type=ipsec): ESP tunnel mode between node addresses with rfc4106(gcm(aes)), here
    /// through an xfrm interface where Cilium matches its xfrm policies on the marks its programs set; MTU the NIC's
    /// less Cilium's 77.
    /// </summary>
    public static EspTunnelDevice Ipsec(BuiltNode node) => new(node.Host, "cilium_xfrm", node.Eth0, node.Address);

    /// <summary>Encrypts traffic to <paramref name="peerPods"/> (on <paramref name="peer"/>) through <paramref name="wg"/>.</summary>
    public static void Route(BuiltNode node, WireGuardDevice wg, BuiltNode peer, Ipv4Prefix peerPods)
    {
        wg.AddPeer(peer.Address, [peerPods]);
        node.Host.AddRoute(peerPods.ToString(), wg);
    }
}
