using NetSim.Topologies.Build.Cni;

namespace NetSim.Topologies.Build;

/// <summary>A cluster built from a scenario, ready for traffic.</summary>
public sealed record BuiltCluster(ClusterContext Context, PodNetwork Network, IReadOnlyList<BuiltPod> Pods)
{
    public IReadOnlyList<BuiltNode> Nodes => Context.Nodes;

    /// <summary>Client hosts outside the cluster (for NodePort and external traffic).</summary>
    public IReadOnlyList<BuiltNode> Externals { get; init; } = [];

    /// <summary>Pods whose CNI ADD failed while the cluster was built: no sandbox, ContainerCreating for the whole run.</summary>
    public IReadOnlyList<PodSandboxFailure> SandboxFailures { get; init; } = [];

    /// <summary>True when the pod named <paramref name="name"/> (or a workload's first pod) has no sandbox because its CNI ADD failed.</summary>
    public bool HasNoSandbox(string name) =>
        !Pods.Any(p => p.Name == name || (p.Placed.Index == 0 && p.Placed.Workload == name))
        && SandboxFailures.Any(f => f.Pod.Name == name || (f.Pod.Index == 0 && f.Pod.Workload == name));

    public BuiltNode Node(string name) => Nodes.First(n => n.Name == name);

    public BuiltNode External(string name) => Externals.First(n => n.Name == name);

    /// <summary>A pod started while the cluster runs (its CNI ADD done): it joins the cluster's and its node's pods.</summary>
    public void AddPod(BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ((List<BuiltPod>)Pods).Add(pod);
        pod.Node.Pods.Add(pod);
    }

    /// <summary>A pod whose sandbox was stopped (CNI DEL done): it leaves the cluster's and its node's pods.</summary>
    public void RemovePod(BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ((List<BuiltPod>)Pods).Remove(pod);
        pod.Node.Pods.Remove(pod);
    }
}
