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
        ArgumentNullException.ThrowIfNull(cluster);
        return Of(cluster.Scenario, InEffectAtStart(cluster.Scenario), cluster.Nodes.SelectMany(n => n.Pods));
    }

    /// <summary>The state the agents see with <paramref name="policies"/> in effect and <paramref name="pods"/> running; null when the scenario has no policy at all.</summary>
    public static ClusterPolicies? Of(Scenarios.Model.Scenario s, IEnumerable<IPolicyObject> policies, IEnumerable<BuiltPod> pods)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.NetworkPolicies.Count == 0) return null;
        var endpoints = pods.Where(p => !p.Placed.HostNetwork).Select(p => Endpoint(s, p)).ToList();
        var list = policies.ToList();
        return new ClusterPolicies(
            s.Namespaces.ToDictionary(n => n.Name, n => n.Labels, StringComparer.Ordinal),
            endpoints,
            list.OfType<NetworkPolicy>().ToList(),
            list.OfType<CalicoPolicy>().ToList(),
            list.OfType<CiliumPolicy>().ToList());
    }

    /// <summary>The scenario's policies that exist at time zero: all but those whose first event is a policy_add.</summary>
    public static IReadOnlyList<IPolicyObject> InEffectAtStart(Scenarios.Model.Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var late = s.Events.Where(e => e.OnPolicy).GroupBy(e => e.Target, StringComparer.Ordinal)
            .Where(g => g.First().Kind == Scenarios.Model.ClusterEvent.PolicyAdd).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return s.NetworkPolicies.Select(p => p.Policy).Where(p => !late.Contains(Scenarios.EventReader.Key(p))).ToList();
    }

    public static PolicyEndpoint Endpoint(Scenarios.Model.Scenario s, BuiltPod pod)
    {
        var workload = s.Workloads.First(w => w.Name == pod.Placed.Workload);
        return new(pod.Placed.Namespace, pod.Name, pod.Placed.Labels, pod.Address, pod.Node.Name, workload.Ports) { ServiceAccount = workload.ServiceAccount };
    }

    /// <summary>
    /// Whether the CNI enforces NetworkPolicy in NetSim: Calico's Felix, the Cilium agent, Canal (Flannel with Felix), or
    /// Weave's weave-npc. Flannel, bridge, ptp, macvlan and ipvlan have no policy agent; the AWS VPC CNI's network
    /// policy agent exists but is not modelled, so its policies are reported as not enforced too.
    /// </summary>
    public static bool Enforces(Scenarios.Model.CniSpec cni) => IsCanal(cni) || Scenarios.DatapathNames.IsWeave(cni.Datapath)
        || cni.Datapath.StartsWith("calico-", StringComparison.Ordinal) || cni.Datapath.StartsWith("cilium-", StringComparison.Ordinal);

    /// <summary>Canal: a flannel-* datapath with cni.policy_agent: canal.</summary>
    public static bool IsCanal(Scenarios.Model.CniSpec cni) => cni.PolicyAgent == Scenarios.Model.CniSpec.CanalAgent
        && cni.Datapath is Scenarios.DatapathNames.FlannelVxlan or Scenarios.DatapathNames.FlannelHostGw;

    /// <summary>
    /// Whether the datapath's policy agent reads <paramref name="policy"/>'s kind: every agent reads networking/v1;
    /// Calico's Felix also reads Calico's kinds, the Cilium agent Cilium's. A kind nobody reads is not enforced (as on
    /// a real cluster, where the CRD would be stored and ignored).
    /// </summary>
    public static bool Reads(Scenarios.Model.CniSpec cni, IPolicyObject policy) => policy switch
    {
        CalicoPolicy => cni.Datapath.StartsWith("calico-", StringComparison.Ordinal) || IsCanal(cni),
        CiliumPolicy => cni.Datapath.StartsWith("cilium-", StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>An eBPF dataplane's policy step for <paramref name="node"/>'s pods.</summary>
    public static BpfPolicyEnforcer Bpf(ClusterPolicies policies, PolicyIdentities identities, BuiltNode node, IReadOnlyList<BuiltNode> nodes, bool cidrMatchesEndpoints)
    {
        var local = policies.Endpoints.Where(e => e.Node == node.Name);
        var nodeAddresses = nodes.Select(n => n.Address).ToHashSet();
        return node.PolicyEnforcer = new BpfPolicyEnforcer(policies, identities, local, node.Host.IsLocalAddress, nodeAddresses.Contains, cidrMatchesEndpoints);
    }
}
