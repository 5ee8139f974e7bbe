namespace NetSim.Planning.Rules;

/// <summary>
/// Per-node pod subnets handed out from one cluster CIDR (kube-controller-manager's node IPAM for host-local,
/// Cilium's cluster-pool): every node, control plane included, takes one /<see cref="NodeMask"/>.
/// </summary>
public abstract class NodeSubnetRule : PodAddressRule
{
    protected NodeSubnetRule(int nodeMask) => NodeMask = nodeMask;

    public int NodeMask { get; }

    /// <summary>The addresses a node's subnet gives to pods.</summary>
    public abstract int UsablePerNode { get; }

    /// <summary>What the usable count leaves out, for the arithmetic.</summary>
    protected abstract string Reserved { get; }

    /// <summary>The most bits between the cluster CIDR and the node mask the allocator accepts (null: no limit).</summary>
    protected virtual int? MaxMaskDifference => null;

    protected abstract string Allocator { get; }

    public override PodNetworkSizing Size(ClusterDemand demand, int maxPods)
    {
        ArgumentNullException.ThrowIfNull(demand);
        CheckPodsFitNodes(demand, maxPods, UsablePerNode, $"the {UsablePerNode} usable addresses of a /{NodeMask} node subnet", "cni.node_mask",
            need => Enumerable.Range(8, NodeMask - 8).Reverse().Select(m => (int?)m).FirstOrDefault(m => (int)PrefixMath.Size(m!.Value) - 3 >= need) is { } mask
                ? $"cni.node_mask: {NodeMask} → {mask}" : null);
        int bits = PrefixMath.CeilLog2((ulong)demand.NodesAfter);
        int length = NodeMask - bits;
        if (MaxMaskDifference is { } max && bits > max)
            throw new UnmetRequirementException("cni.node_mask",
                $"{demand.NodesAfter} node subnets need {bits} bits between the cluster CIDR and the /{NodeMask} node mask; {Allocator} allows at most {max}",
                $"fewer nodes: at most {1 << max} after growth");
        if (length < 1)
            throw new UnmetRequirementException("cni.node_mask", $"{demand.NodesAfter} /{NodeMask} node subnets do not fit IPv4",
                $"cni.node_mask: {NodeMask} → {NodeMask + 1 - length}");
        int perNode = Math.Min(maxPods, UsablePerNode);
        ulong subnets = 1UL << bits;
        var rows = new List<CapacityRow>
        {
            new($"pod CIDR: /{NodeMask} node subnets", demand.Nodes, demand.NodesAfter, (long)subnets,
                $"/{length} = 2^({NodeMask}-{length}) = {subnets} subnets of /{NodeMask}, one per node"),
            new("pod addresses", demand.Pods, demand.PodsAfter, (long)subnets * UsablePerNode,
                $"{subnets} subnets × {UsablePerNode} ({PrefixMath.Size(NodeMask)} less {Reserved})"),
            MaxPodsRow(demand, maxPods, perNode, maxPods <= UsablePerNode ? $"max_pods {maxPods}" : $"the subnet's {UsablePerNode}"),
        };
        string[] notes =
        [
            $"{Allocator} gives every node one /{NodeMask}: {demand.NodesAfter} nodes after growth need 2^{bits} = {subnets} subnets, so the cluster CIDR is a /{NodeMask} - {bits} = /{length}.",
            $"A node holds min(max_pods {maxPods}, {UsablePerNode} usable addresses of its /{NodeMask}) = {perNode} pods.",
        ];
        return new PodNetworkSizing(length, NodeMask, perNode, null, rows, notes);
    }
}
