using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Packets;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Which of its overlays Weave Net uses and what MTU its pods get. weave-sleeve is the router's "bridge" type (WEAVE_NO_FASTDP,
/// or a kernel without the openvswitch module): sleeve only. weave uses fast datapath on a connection only when the
/// router's fast-datapath heartbeat, a frame of WEAVE_MTU + 14 bytes sent with DF through VXLAN (and, with a password,
/// ESP in transport mode), reaches the peer (router/fastdp.go sendHeartbeat); otherwise the connection falls back to
/// sleeve (docs "Using Fast Datapath": an MTU the underlay cannot carry; the Weave 1.9 release: encryption that cannot
/// be set up falls back to sleeve in encrypted mode). Sleeve's path MTU is the underlay's less its own overhead
/// (<see cref="WeaveSleeveRouter.PathMtu"/>); a pod MTU above it is brought down to it by the router's ICMP
/// fragmentation-needed replies, so NetSim gives pods that steady state.
/// </summary>
public static class WeaveOverlay
{
    /// <summary>A password is set: fast datapath encrypts with ESP, sleeve with NaCl.</summary>
    public static bool Encrypted(CniSpec cni) => cni.Encryption && DatapathNames.IsWeave(cni.Datapath) && NodeEncryptionKinds.Supports(cni.Datapath, cni.EncryptionType);

    /// <summary>WEAVE_MTU: cni.mtu, else 1376 (the router's default for fast datapath).</summary>
    public static int WeaveMtu(CniSpec cni) => cni.Mtu > 0 ? cni.Mtu : DatapathNames.WeaveDefaultMtu;

    /// <summary>The fast-datapath heartbeat's IP packet on the underlay: outer IPv4, UDP, VXLAN, the WEAVE_MTU frame, and ESP with a password.</summary>
    public static int HeartbeatBytes(CniSpec cni)
    {
        int frame = WeaveMtu(cni) + EthernetHeader.Size;
        int ip = Ipv4Header.Size + UdpHeader.Size + VxlanHeader.Size + frame;
        return Encrypted(cni) ? ip + EspTransport.Overhead(ip) : ip;
    }

    /// <summary>Whether weave's connections use fast datapath over NICs of <paramref name="nicMtu"/> (false: sleeve).</summary>
    public static bool FastDatapath(CniSpec cni, int nicMtu) => cni.Datapath == DatapathNames.Weave && HeartbeatBytes(cni) <= nicMtu;

    /// <summary>Why weave falls back to sleeve, or null when fast datapath is used (or the datapath is weave-sleeve).</summary>
    public static string? Fallback(CniSpec cni, int nicMtu) => cni.Datapath != DatapathNames.Weave || FastDatapath(cni, nicMtu) ? null
        : $"fast datapath's heartbeat needs {HeartbeatBytes(cni)} bytes (WEAVE_MTU {WeaveMtu(cni)}{(Encrypted(cni) ? " with ESP" : "")}) but the NIC MTU is {nicMtu}: sleeve{(Encrypted(cni) ? " with NaCl" : "")}";

    /// <summary>The MTU a pod's eth0 works with over NICs of <paramref name="nicMtu"/>.</summary>
    public static int PodMtu(CniSpec cni, int nicMtu)
    {
        int sleeve = WeaveSleeveRouter.PathMtu(nicMtu, Encrypted(cni));
        if (cni.Datapath == DatapathNames.WeaveSleeve) return cni.Mtu > 0 ? Math.Min(cni.Mtu, sleeve) : sleeve; // the bridge's 65535 until PMTU discovery
        return FastDatapath(cni, nicMtu) ? WeaveMtu(cni) : Math.Min(WeaveMtu(cni), sleeve);
    }
}
