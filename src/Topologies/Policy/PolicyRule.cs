namespace NetSim.Topologies.Policy;

/// <summary>
/// One ingress or egress rule: the peers (from / to; empty = every peer) and the ports (empty = every port); a
/// connection matches when it matches one peer AND one port.
/// </summary>
public sealed record PolicyRule(IReadOnlyList<PolicyPeer> Peers, IReadOnlyList<PolicyPort> Ports);
