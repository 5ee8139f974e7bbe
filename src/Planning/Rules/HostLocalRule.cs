namespace NetSim.Planning.Rules;

/// <summary>
/// host-local IPAM over the node's podCIDR, which kube-controller-manager cuts from --cluster-cidr at
/// --node-cidr-mask-size (default /24). host-local never hands out the network, the gateway (network+1, on the
/// bridge) or the broadcast address; the allocator refuses more than 16 bits between cluster CIDR and node mask.
/// </summary>
public sealed class HostLocalRule : NodeSubnetRule
{
    /// <summary>kube-controller-manager's clusterSubnetMaxDiff: its per-cluster bitmap is uncompressed.</summary>
    public const int ControllerManagerMaxDiff = 16;

    public HostLocalRule(int nodeMask) : base(nodeMask) { }

    public override int UsablePerNode => (int)PrefixMath.Size(NodeMask) - 3;
    protected override string Reserved => "network, gateway and broadcast";
    protected override int? MaxMaskDifference => ControllerManagerMaxDiff;
    protected override string Allocator => "kube-controller-manager's node IPAM";
}
