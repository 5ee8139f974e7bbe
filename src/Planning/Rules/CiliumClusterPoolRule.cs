namespace NetSim.Planning.Rules;

/// <summary>
/// Cilium's cluster-pool IPAM: the operator gives every node one /clusterPoolIPv4MaskSize (default /24) from
/// clusterPoolIPv4PodCIDRList; the agent hands out its addresses except network and broadcast, and its router
/// (cilium_host) takes one.
/// </summary>
public sealed class CiliumClusterPoolRule : NodeSubnetRule
{
    public CiliumClusterPoolRule(int nodeMask) : base(nodeMask) { }

    public override int UsablePerNode => (int)PrefixMath.Size(NodeMask) - 3;
    protected override string Reserved => "network, broadcast and the cilium_host router address";
    protected override string Allocator => "the Cilium operator's cluster-pool";
}
