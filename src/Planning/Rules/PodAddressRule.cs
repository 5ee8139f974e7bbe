using NetSim.Planning.Requirements;

namespace NetSim.Planning.Rules;

/// <summary>
/// One CNI's way of handing out pod addresses (docs/planning.md, "Allocation rules"): it sizes the pod network for
/// a cluster's demand after growth, or says which requirement it cannot meet and the smallest change that would.
/// </summary>
public abstract class PodAddressRule
{
    public abstract PodNetworkSizing Size(ClusterDemand demand, int maxPods);

    public static PodAddressRule For(CniRules cni)
    {
        ArgumentNullException.ThrowIfNull(cni);
        return cni.Ipam switch
        {
            CniRules.HostLocal => new HostLocalRule(cni.NodeMask),
            CniRules.Cilium => new CiliumClusterPoolRule(cni.NodeMask),
            CniRules.Calico => new CalicoIpamRule(cni.BlockSize, cni.Datapath),
            CniRules.AwsVpc => new AwsVpcCniRule(cni.Enis, cni.IpsPerEni, cni.PrefixDelegation, Requirements.AwsInstanceTypes.PrefixDelegationPossible(cni)),
            _ => throw new ArgumentException($"unknown ipam {cni.Ipam}", nameof(cni)),
        };
    }

    /// <summary>
    /// Pods must fit the workers after growth at <paramref name="perNode"/> each (the lower of maxPods and the CNI's
    /// own per-node limit, <paramref name="cniLimit"/>, named <paramref name="cniLimitName"/>); else the smallest change.
    /// </summary>
    /// <param name="cniChange">A change of the CNI's own that lifts its limit enough, tried before more workers (null: none).</param>
    protected static void CheckPodsFitNodes(ClusterDemand demand, int maxPods, int cniLimit, string cniLimitName, string cniLimitField, Func<int, string?>? cniChange = null)
    {
        ArgumentNullException.ThrowIfNull(demand);
        int perNode = Math.Min(maxPods, cniLimit);
        if ((long)demand.WorkersAfter * perNode >= demand.PodsAfter) return;
        int needPerNode = (int)Math.Ceiling((double)demand.PodsAfter / demand.WorkersAfter);
        // The fewest workers that hold the pods after growth: from the closed form, then up past its rounding.
        int workers = Math.Max(demand.Workers, (int)Math.Floor(demand.PodsAfter / (perNode * (double)demand.Growth)) - 1);
        while ((long)demand.Grow(workers) * perNode < demand.PodsAfter) workers++;
        string moreWorkers = workers <= Requirements.RequirementsReader.MaxWorkers
            ? $"workers in cluster {demand.Name}: {demand.Workers} → {workers}"
            : $"pods in cluster {demand.Name}: at most {(long)(demand.Grow(demand.Workers) * (long)perNode / demand.Growth)} (more workers than one cluster is planned for would be needed)";
        string reason = $"{demand.PodsAfter} pods after growth on {demand.WorkersAfter} workers is {needPerNode} per node, above " +
                        (maxPods <= cniLimit ? $"max_pods {maxPods}" : cniLimitName);
        if (maxPods <= cniLimit)
            throw new UnmetRequirementException("max_pods", reason,
                needPerNode <= cniLimit ? $"max_pods: {maxPods} → {needPerNode} (or {moreWorkers})" : moreWorkers);
        throw new UnmetRequirementException(cniLimitField, reason,
            cniChange?.Invoke(needPerNode) is { } change ? $"{change} (or {moreWorkers})" : moreWorkers);
    }

    protected static CapacityRow MaxPodsRow(ClusterDemand demand, int maxPods, int perNode, string limit) =>
        new("pods per node (maxPods)", demand.Pods, demand.PodsAfter, (long)demand.WorkersAfter * perNode,
            $"{demand.WorkersAfter} workers × {perNode} pods ({limit})");
}
