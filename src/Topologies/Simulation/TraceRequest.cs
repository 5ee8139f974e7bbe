using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Simulation;

/// <summary>What to trace: from and to endpoints (as in a scenario's traffic), a port, and the protocol.</summary>
public sealed record TraceRequest(EndpointRef From, EndpointRef To, ushort Port, string Protocol = "tcp");
