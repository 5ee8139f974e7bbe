namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A named container port.</summary>
public sealed record PortSpec(string Name, int Port, string Protocol);
