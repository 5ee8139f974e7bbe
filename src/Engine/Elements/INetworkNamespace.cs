using NetSim.Engine.Addressing;

namespace NetSim.Engine.Elements;

/// <summary>
/// What a socket needs from the network namespace it lives in (implemented by the datapath's network namespace;
/// transport code depends only on this). Outgoing packets carry their transport header and an IPv4 header with
/// protocol and destination set; the stack fills the source if it is 0.0.0.0, routes, and runs netfilter.
/// </summary>
public interface INetworkNamespace
{
    NodeContext Node { get; }
    /// <summary>The namespace's name, e.g. "node1" (host) or "node1/pod-client".</summary>
    string Name { get; }
    /// <summary>ip_local_out: where a socket hands a packet to be sent.</summary>
    PacketElement LocalOut { get; }
    /// <summary>Registers the receiver of locally delivered packets of one IP protocol (6 TCP, 17 UDP, 1 ICMP).</summary>
    void RegisterProtocol(byte protocol, PacketElement receiver);
    /// <summary>
    /// Route lookup for a destination: the source address the kernel would pick and the MTU of the egress
    /// device (the MSS is derived from it). False when there is no route.
    /// </summary>
    bool TryResolveRoute(Ipv4Address destination, out Ipv4Address source, out int mtu);
    /// <summary>True when the address is assigned to an interface of this namespace.</summary>
    bool IsLocalAddress(Ipv4Address address);
    /// <summary>net.core.somaxconn, a per-namespace sysctl: listen() caps its backlog at it (net/socket.c __sys_listen; 4096 since Linux 5.4).</summary>
    int Somaxconn => 4096;
}
