using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// Where a Service is reached: address, IP protocol and port (a ClusterIP:port, or a node address:nodePort).
/// The key of the IPVS virtual-service table, the nftables service-ips map and the eBPF LB map.
/// </summary>
public readonly record struct ServiceFrontend(Ipv4Address Address, byte Protocol, ushort Port)
{
    public override string ToString() => $"{Address}:{Port}/{(Protocol == 6 ? "tcp" : Protocol == 17 ? "udp" : Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}
