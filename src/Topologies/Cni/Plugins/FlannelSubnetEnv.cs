using System.Globalization;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// /run/flannel/subnet.env as flanneld writes it (reference §1.5): the cluster network, this node's lease written
/// as its gateway address with the lease's length (FLANNEL_SUBNET=10.244.1.1/24), the pod MTU and whether flanneld
/// masquerades itself (--ip-masq, so the CNI bridge must not).
/// </summary>
public sealed record FlannelSubnetEnv(Ipv4Prefix Network, Ipv4Prefix Lease, int Mtu, bool IpMasq)
{
    /// <summary>FLANNEL_SUBNET: the lease's first address with the lease's prefix length.</summary>
    public string SubnetValue => $"{Lease.Address(1)}/{Lease.Length}";

    /// <summary>The file's text, one VAR=value per line.</summary>
    public string FileText() => string.Create(CultureInfo.InvariantCulture,
        $"FLANNEL_NETWORK={Network}\nFLANNEL_SUBNET={SubnetValue}\nFLANNEL_MTU={Mtu}\nFLANNEL_IPMASQ={(IpMasq ? "true" : "false")}\n");
}
