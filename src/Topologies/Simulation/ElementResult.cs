namespace NetSim.Topologies.Simulation;

/// <summary>
/// What one datapath element did during the measured interval: packets handled, CPU charged and time packets
/// waited for a busy core (picoseconds). <see cref="Kind"/> groups elements for the latency budget
/// ("veth", "bridge", "netfilter", "vxlan", "tcp", "nic", ...).
/// </summary>
public sealed record ElementResult(string Node, string Namespace, string Element, string Kind, long Packets, long CpuPs, long QueuePs);
