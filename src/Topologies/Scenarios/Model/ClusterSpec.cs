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
    int MaxPods);
