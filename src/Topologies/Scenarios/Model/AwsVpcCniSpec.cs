namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// The aws-vpc-cni datapath's settings (the aws-node DaemonSet's environment, as in the plugin's README): the EC2
/// instance type the nodes run on (its ENI and address limits), ENABLE_PREFIX_DELEGATION, the warm pool targets
/// (WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, WARM_PREFIX_TARGET; 0 = unset) and
/// AWS_VPC_K8S_CNI_EXTERNALSNAT. <see cref="VpcCidr"/> is the VPC's CIDR: the node network.
/// </summary>
public sealed record AwsVpcCniSpec(
    string InstanceType,
    bool PrefixDelegation,
    int WarmEniTarget,
    int WarmIpTarget,
    int MinimumIpTarget,
    int WarmPrefixTarget,
    bool ExternalSnat)
{
    /// <summary>The plugin's defaults: m5.large (EKS's default node type), WARM_ENI_TARGET=1, WARM_PREFIX_TARGET=1, node SNAT on.</summary>
    public static readonly AwsVpcCniSpec Defaults = new("m5.large", false, 1, 0, 0, 1, false);

    /// <summary>WARM_IP_TARGET or MINIMUM_IP_TARGET set: they override WARM_ENI_TARGET / WARM_PREFIX_TARGET (docs/eni-and-ip-target.md).</summary>
    public bool IpTargets => WarmIpTarget > 0 || MinimumIpTarget > 0;
}
