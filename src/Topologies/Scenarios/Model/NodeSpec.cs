namespace NetSim.Topologies.Scenarios.Model;

/// <summary>One node: its name, cores, NIC and role; <see cref="Rack"/> places it in a leaf-spine fabric.</summary>
public sealed record NodeSpec(string Name, int Cores, NicSpec Nic, string Role, int Rack)
{
    /// <summary>The node's topology.kubernetes.io/zone label ("" none): what zone hints are written for and matched against.</summary>
    public string Zone { get; init; } = "";
}
