namespace NetSim.Topologies.Ipam;

/// <summary>One allocation in a whereabouts IPPool (types.IPReservation): the address, the container, the pod ("namespace/name") and the interface.</summary>
public sealed record WhereaboutsReservation(IpamAddress Ip, string ContainerId, string PodRef, string IfName);
