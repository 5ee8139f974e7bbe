using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// How many pods each node runs on the pod network when the cluster starts (hostNetwork pods excluded, the cluster DNS
/// pods included): what a datapath that gives every pod a device of its own (a VF of eth0, a whole NIC) must provide.
/// </summary>
public static class PodNetworkPods
{
    public static IReadOnlyDictionary<string, int> PerNode(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return PodPlacement.Place(s.Cluster, [.. s.Workloads, .. Dns.ClusterDns.Workloads(s)])
            .Where(p => !p.HostNetwork).GroupBy(p => p.Node).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
