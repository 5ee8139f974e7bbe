using NetSim.Topologies.Policy;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The cluster's NetworkPolicy state as the agents see it once every pod exists (namespaces, pods with their labels,
/// addresses and named ports, policies), or null when the scenario has no NetworkPolicy: then no agent programs
/// anything for policy and the datapath is exactly the policy-free one.
/// </summary>
public static class PolicyWiring
{
    public static ClusterPolicies? Of(ClusterContext cluster)
    {
        var s = cluster.Scenario;
        if (s.NetworkPolicies.Count == 0) return null;
        var endpoints = new List<PolicyEndpoint>();
        foreach (var node in cluster.Nodes)
            foreach (var pod in node.Pods)
                if (!pod.Placed.HostNetwork) endpoints.Add(Endpoint(s, pod));
        return new ClusterPolicies(
            s.Namespaces.ToDictionary(n => n.Name, n => n.Labels, StringComparer.Ordinal),
            endpoints,
            s.NetworkPolicies.Select(p => p.Policy).ToList());
    }

    public static PolicyEndpoint Endpoint(Scenarios.Model.Scenario s, BuiltPod pod) => new(pod.Placed.Namespace, pod.Name, pod.Placed.Labels,
        pod.Address, pod.Node.Name, s.Workloads.First(w => w.Name == pod.Placed.Workload).Ports);

    /// <summary>Whether <paramref name="datapath"/> enforces NetworkPolicy (Flannel and the bridge plugin have no policy agent).</summary>
    public static bool Enforces(string datapath) => datapath is not (Scenarios.DatapathNames.Bridge or Scenarios.DatapathNames.FlannelVxlan
        or Scenarios.DatapathNames.FlannelHostGw or Scenarios.DatapathNames.FlannelWireGuard or Scenarios.DatapathNames.Weave or Scenarios.DatapathNames.Host);

    /// <summary>An eBPF dataplane's policy step for <paramref name="node"/>'s pods.</summary>
    public static BpfPolicyEnforcer Bpf(ClusterPolicies policies, PolicyIdentities identities, BuiltNode node, IReadOnlyList<BuiltNode> nodes, bool cidrMatchesEndpoints)
    {
        var local = policies.Endpoints.Where(e => e.Node == node.Name);
        var nodeAddresses = nodes.Select(n => n.Address).ToHashSet();
        return node.PolicyEnforcer = new BpfPolicyEnforcer(policies, identities, local, node.Host.IsLocalAddress, nodeAddresses.Contains, cidrMatchesEndpoints);
    }
}
