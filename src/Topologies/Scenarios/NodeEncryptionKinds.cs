using NetSim.Datapaths.Tunnels;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Which node-to-node encryption each datapath offers (cni.encryption) and the bytes a pod's MTU loses to its tunnel
/// and its encryption together, as each CNI computes its pod MTU.
/// </summary>
public static class NodeEncryptionKinds
{
    public const string WireGuard = "wireguard";
    public const string Ipsec = "ipsec";
    /// <summary>Weave Net's sleeve encryption: NaCl secretbox (XSalsa20-Poly1305) in the weaver process.</summary>
    public const string Nacl = "nacl";

    /// <summary>Calico's wireguardEnabled (every mode) and Cilium's encryption.type=wireguard (tunnel and native routing).</summary>
    public static readonly string[] WireGuardDatapaths =
    [
        DatapathNames.CalicoBgp, DatapathNames.CalicoEbpf, DatapathNames.CiliumLegacy, DatapathNames.CiliumEbpf,
        DatapathNames.CalicoIpip, DatapathNames.CalicoVxlan, DatapathNames.CiliumVxlan, DatapathNames.CiliumGeneve,
    ];

    /// <summary>
    /// Cilium's encryption.type=ipsec (ESP with rfc4106(gcm(aes)) keys), tunnel and native routing; Weave's fast datapath
    /// with a password (ESP in transport mode over its VXLAN packets, Weave 1.9 and later).
    /// </summary>
    public static readonly string[] IpsecDatapaths =
        [DatapathNames.CiliumLegacy, DatapathNames.CiliumEbpf, DatapathNames.CiliumVxlan, DatapathNames.CiliumGeneve, DatapathNames.Weave];

    /// <summary>Weave's sleeve with a password.</summary>
    public static readonly string[] NaclDatapaths = [DatapathNames.WeaveSleeve];

    /// <summary>Every kind, in the order compare lists a datapath's variants.</summary>
    public static readonly string[] Kinds = [WireGuard, Ipsec, Nacl];

    public static bool Supports(string datapath, string kind) => Offering(kind).Contains(datapath);

    /// <summary>The datapaths that offer <paramref name="kind"/>.</summary>
    public static string[] Offering(string kind) => kind switch
    {
        Ipsec => IpsecDatapaths,
        Nacl => NaclDatapaths,
        _ => WireGuardDatapaths,
    };

    /// <summary>What cni.encryption: true turns on: Weave's own encryption for its datapaths (its password), else WireGuard.</summary>
    public static string Default(string datapath) => datapath switch
    {
        DatapathNames.Weave => Ipsec,
        DatapathNames.WeaveSleeve => Nacl,
        _ => WireGuard,
    };

    /// <summary>Whether the scenario's pod traffic between nodes is encrypted with <paramref name="kind"/>.</summary>
    public static bool Uses(CniSpec cni, string kind) => cni.Encryption && cni.EncryptionType == kind && Supports(cni.Datapath, kind);

    /// <summary>
    /// Bytes the pod MTU loses to the datapath's tunnel and encryption. Calico routes encrypted traffic through
    /// wireguard.cali instead of its IPIP/VXLAN tunnel (its MTU table: WireGuard 60, whatever the pool's
    /// encapsulation); Cilium in tunnel mode encapsulates first and then encrypts (both overheads); IPsec takes
    /// Cilium's EncryptionIPsecOverhead (77).
    /// </summary>
    public static int PodMtuOverhead(CniSpec cni)
    {
        int tunnel = cni.Datapath switch
        {
            DatapathNames.FlannelVxlan or DatapathNames.CalicoVxlan or DatapathNames.CiliumVxlan => VxlanDevice.HeaderOverhead,
            DatapathNames.CiliumGeneve => GeneveDevice.BaseOverhead,
            DatapathNames.CalicoIpip => IpipDevice.HeaderOverhead,
            DatapathNames.FlannelWireGuard => FlannelWireGuardOverhead,
            _ => 0,
        };
        if (Uses(cni, Ipsec)) return tunnel + EspTunnelDevice.MtuOverhead;
        if (!Uses(cni, WireGuard)) return tunnel;
        bool calico = cni.Datapath is DatapathNames.CalicoBgp or DatapathNames.CalicoIpip or DatapathNames.CalicoVxlan or DatapathNames.CalicoEbpf;
        return (calico ? 0 : tunnel) + WireGuardDevice.HeaderOverhead;
    }

    /// <summary>flannel's wireguard backend takes 80 bytes from the external interface's MTU (IPv6 outer header, UDP, WireGuard's 32), pkg/backend/wireguard.</summary>
    public const int FlannelWireGuardOverhead = 80;
}
