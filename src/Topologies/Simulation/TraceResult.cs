using NetSim.Engine.Packets;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// The walk of one traced exchange: each packet's hops in order (element, node, what it did, CPU/queue/wire
/// time), the total one-way and round-trip latency, and the path's MTU and header overhead.
/// </summary>
public sealed record TraceResult(
    string Datapath,
    string From,
    string To,
    IReadOnlyList<TracedPacket> Packets,
    long RoundTripPs);
