namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A node's NIC: line rate, MTU, queues and offloads.</summary>
public sealed record NicSpec(long RateBps, int Mtu, int Queues, bool Tso, bool TunnelTso, bool Gro, bool ChecksumOffload);
