using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>The cluster: its nodes, the fabric between them, and the address plan.</summary>
public sealed record ClusterSpec(
    IReadOnlyList<NodeSpec> Nodes,
    FabricSpec Fabric,
    Ipv4Prefix PodCidr,
    Ipv4Prefix ServiceCidr,
    Ipv4Prefix NodeCidr,
    int NodeMask,
    int MaxPods)
{
    /// <summary>
    /// The machine's speed against the cost profile's reference machine: multiplies the profile's cpu_scale for
    /// every node (1 = the profile's machine, 0.8 = a 25 % faster one). Hardware of a published testbed.
    /// </summary>
    public decimal CpuScale { get; init; } = 1m;
}
