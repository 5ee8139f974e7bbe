using NetSim.Engine.Packets;

namespace NetSim.Topologies.Simulation;

/// <summary>Packets dropped for one reason during the run.</summary>
public readonly record struct DropCount(DropReason Reason, long Packets);
