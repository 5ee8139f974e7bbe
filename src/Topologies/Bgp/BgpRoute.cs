using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Bgp;

/// <summary>
/// A route as BGP carries it: the prefix, the next hop (the originating node's address; iBGP and route
/// reflection leave it unchanged), the originator and the route-reflection cluster list used for loop prevention.
/// </summary>
public sealed record BgpRoute(Ipv4Prefix Prefix, Ipv4Address NextHop, Ipv4Address OriginatorId, IReadOnlyList<Ipv4Address> ClusterList);
