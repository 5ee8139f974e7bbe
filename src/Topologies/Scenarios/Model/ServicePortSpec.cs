namespace NetSim.Topologies.Scenarios.Model;

/// <summary>One Service port: port, target port (number or a container port's name), node port, protocol.</summary>
public sealed record ServicePortSpec(string Name, int Port, string TargetPort, int NodePort, string Protocol);
