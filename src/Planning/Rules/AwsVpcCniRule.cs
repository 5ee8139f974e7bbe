namespace NetSim.Planning.Rules;

/// <summary>
/// The AWS VPC CNI: pods take real addresses of the node's VPC subnet, as secondary addresses of its ENIs (or as
/// /28 prefixes with prefix delegation), so there is no separate pod CIDR. An ENI's first address is the ENI's
/// own, so a node holds ENIs × (addresses per ENI − 1) pod addresses (× 16 with /28 prefixes); the published max
/// pods adds 2 for the host-network pods (aws-node, kube-proxy). The warm pool (WARM_ENI_TARGET=1) attaches whole
/// ENIs ahead of need, so the subnet is sized for every ENI slot of every node; AWS keeps 5 addresses of every subnet.
/// </summary>
public sealed class AwsVpcCniRule : PodAddressRule
{
    /// <summary>Addresses per /28 prefix (prefix delegation).</summary>
    public const int PrefixAddresses = 16;
    /// <summary>AWS reserves the first four addresses and the last one of every subnet.</summary>
    public const int SubnetReserved = 5;
    /// <summary>The largest subnet (and VPC CIDR block) AWS allows: a /16.</summary>
    public const int LargestSubnet = 16;

    /// <param name="prefixDelegationPossible">False when the instance type is not Nitro, so turning prefix delegation on is no change to suggest.</param>
    public AwsVpcCniRule(int enis, int ipsPerEni, bool prefixDelegation, bool prefixDelegationPossible = true)
    {
        Enis = enis;
        IpsPerEni = ipsPerEni;
        PrefixDelegation = prefixDelegation;
        PrefixDelegationPossible = prefixDelegationPossible;
    }

    public bool PrefixDelegationPossible { get; }

    public int Enis { get; }
    public int IpsPerEni { get; }
    public bool PrefixDelegation { get; }

    /// <summary>Pod addresses one node can hold: ENIs × (IPs per ENI − 1), × 16 with prefix delegation.</summary>
    public int PodAddressesPerNode => Enis * (IpsPerEni - 1) * (PrefixDelegation ? PrefixAddresses : 1);

    /// <summary>The max pods the VPC CNI publishes for the instance type: the pod addresses + 2 host-network pods.</summary>
    public int EniMaxPods => PodAddressesPerNode + 2;

    /// <summary>The subnet addresses one node can take: every ENI's own address and all its slots.</summary>
    public int SubnetAddressesPerNode => Enis * (1 + (IpsPerEni - 1) * (PrefixDelegation ? PrefixAddresses : 1));

    /// <summary>Without /28 prefixes when the pods still fit; else the most workers one subnet holds.</summary>
    private string SmallerSubnetChange(ClusterDemand demand, int maxPods)
    {
        var plain = new AwsVpcCniRule(Enis, IpsPerEni, false);
        if (PrefixDelegation && (long)demand.NodesAfter * plain.SubnetAddressesPerNode + SubnetReserved <= (long)PrefixMath.Size(LargestSubnet)
            && (long)demand.WorkersAfter * Math.Min(maxPods, plain.PodAddressesPerNode) >= demand.PodsAfter)
            return "cni.prefix_delegation: false";
        int workers = demand.Workers;
        while (workers > 1 && (long)demand.Grow(demand.ControlPlane + workers) * SubnetAddressesPerNode + SubnetReserved > (long)PrefixMath.Size(LargestSubnet)) workers--;
        return $"workers in cluster {demand.Name}: {demand.Workers} → {workers} (one /{LargestSubnet} subnet per cluster)";
    }

    public override PodNetworkSizing Size(ClusterDemand demand, int maxPods)
    {
        ArgumentNullException.ThrowIfNull(demand);
        string slots = PrefixDelegation ? $"{Enis} ENIs × ({IpsPerEni} − 1) × {PrefixAddresses}" : $"{Enis} ENIs × ({IpsPerEni} − 1)";
        CheckPodsFitNodes(demand, maxPods, PodAddressesPerNode, $"the ENI slots ({slots} = {PodAddressesPerNode})", "cni.enis",
            need => !PrefixDelegation && PrefixDelegationPossible && need <= PodAddressesPerNode * PrefixAddresses ? "cni.prefix_delegation: true" : null);
        long needNow = (long)demand.Nodes * SubnetAddressesPerNode + SubnetReserved;
        long needAfter = (long)demand.NodesAfter * SubnetAddressesPerNode + SubnetReserved;
        int length = PrefixMath.LengthFor((ulong)needAfter);
        if (length < LargestSubnet)
            throw new UnmetRequirementException("cni.enis",
                $"{demand.NodesAfter} nodes × {SubnetAddressesPerNode} addresses + {SubnetReserved} = {needAfter} need a /{length}, larger than AWS's largest subnet /{LargestSubnet}",
                SmallerSubnetChange(demand, maxPods));
        int perNode = Math.Min(maxPods, PodAddressesPerNode);
        var rows = new List<CapacityRow>
        {
            new("VPC subnet addresses (nodes and pods)", needNow, needAfter, (long)PrefixMath.Size(length),
                $"/{length}: {demand.NodesAfter} nodes × {SubnetAddressesPerNode} + {SubnetReserved} AWS-reserved"),
            new("ENI slots (pod addresses)", demand.Pods, demand.PodsAfter, (long)demand.WorkersAfter * PodAddressesPerNode,
                $"{demand.WorkersAfter} workers × {slots} = {PodAddressesPerNode} each"),
            MaxPodsRow(demand, maxPods, perNode, maxPods <= PodAddressesPerNode ? $"max_pods {maxPods}" : $"ENI max pods {EniMaxPods}"),
        };
        string[] notes =
        [
            $"Max pods per node from ENIs: {slots} + 2 = {EniMaxPods}; with max_pods {maxPods} a node holds {perNode} pods that need addresses.",
            $"Pods share the nodes' VPC subnet: each node can take {SubnetAddressesPerNode} of its addresses, so {demand.NodesAfter} nodes after growth need {needAfter} → /{length}.",
        ];
        return new PodNetworkSizing(null, PrefixDelegation ? 28 : 32, perNode, length, rows, notes);
    }
}
