using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// cluster.dhcp_server: a DHCP server on the node network (a host of its own on the nodes' switch, as a LAN's DHCP
/// server is), handing out <see cref="PoolStart"/>..<see cref="PoolEnd"/> for <see cref="LeaseTime"/> with the node
/// network's mask and, when set, <see cref="Router"/> as the default gateway (option 3).
/// </summary>
public sealed record DhcpServerSpec(Ipv4Address Address, Ipv4Address PoolStart, Ipv4Address PoolEnd, SimTime LeaseTime)
{
    /// <summary>dnsmasq's default lease time when dhcp-range gives none: one hour (dnsmasq(8), --dhcp-range).</summary>
    public static readonly SimTime DefaultLeaseTime = SimTime.FromSeconds(3600);

    /// <summary>Option 3, the router the pods get as their default route; null: none is sent.</summary>
    public Ipv4Address? Router { get; init; }
}
