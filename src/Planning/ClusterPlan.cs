using NetSim.Engine.Addressing;
using NetSim.Planning.Rules;

namespace NetSim.Planning;

/// <summary>
/// One cluster's addresses: the block it lives in, its node subnet, pod CIDR (none when pods share the node
/// subnet), Service CIDR, how its pod network was sized, and every capacity row with its arithmetic.
/// </summary>
public sealed record ClusterPlan(
    ClusterDemand Demand,
    Ipv4Prefix Block,
    Ipv4Prefix NodeSubnet,
    Ipv4Prefix? PodCidr,
    Ipv4Prefix ServiceCidr,
    PodNetworkSizing Pods,
    IReadOnlyList<CapacityRow> Rows,
    IReadOnlyList<string> Notes)
{
    /// <summary>The resource with the least headroom: what runs out first as the cluster grows.</summary>
    public CapacityRow RunsOutFirst => Rows.MinBy(r => r.Headroom)!;

    /// <summary>Every prefix of the cluster with its role.</summary>
    public IEnumerable<(string Role, Ipv4Prefix Prefix)> Prefixes()
    {
        yield return ("node subnet", NodeSubnet);
        if (PodCidr is { } pods) yield return ("pod CIDR", pods);
        yield return ("Service CIDR", ServiceCidr);
    }
}
