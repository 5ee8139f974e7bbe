using NetSim.Engine.Elements;

namespace NetSim.Topologies.Build;

/// <summary>
/// Groups elements into the kinds a latency budget shows: socket/TCP, IP, netfilter, veth, bridge, tunnel
/// (VXLAN, IPIP, Geneve, WireGuard), NIC — by the element's type, named as a Linux engineer would.
/// </summary>
public static class ElementKinds
{
    private static readonly Dictionary<string, string> ByType = new(StringComparer.Ordinal)
    {
        ["Nic"] = "nic",
        ["PhysicalDevice"] = "nic",
        ["VethDevice"] = "veth",
        ["LinuxBridge"] = "bridge",
        ["BridgeInput"] = "bridge",
        ["VxlanDevice"] = "vxlan",
        ["GeneveDevice"] = "geneve",
        ["UdpTunnelDecap"] = "tunnel decap",
        ["IpipDevice"] = "ipip",
        ["IpipDecap"] = "ipip",
        ["WireGuardDevice"] = "wireguard",
        ["WireGuardReceive"] = "wireguard",
        ["WireGuardEncryptWorker"] = "wireguard",
        ["WireGuardTxWorker"] = "wireguard",
        ["WireGuardDecryptWorker"] = "wireguard",
        ["WireGuardRxPoll"] = "wireguard",
        ["IpReceive"] = "ip",
        ["IpLocalDeliver"] = "ip",
        ["IpForward"] = "ip",
        ["IpLocalOut"] = "ip",
        ["IpOutput"] = "ip",
        ["NetifReceive"] = "netif",
        ["LoopbackDevice"] = "loopback",
        ["DummyDevice"] = "dummy",
    };

    public static string Of(PacketElement e)
    {
        var type = e.GetType();
        if (ByType.TryGetValue(type.Name, out string? kind)) return kind;
        string ns = type.Namespace ?? "";
        if (ns.EndsWith(".Tcp", StringComparison.Ordinal)) return "tcp";
        if (ns.EndsWith(".Udp", StringComparison.Ordinal)) return "udp";
        if (ns.Contains(".Traffic", StringComparison.Ordinal)) return "socket";
        return type.Name.ToLowerInvariant();
    }
}
