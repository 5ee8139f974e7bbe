using NetSim.Topologies.Build.Cni;

namespace NetSim.Topologies.Build;

/// <summary>A cluster built from a scenario, ready for traffic.</summary>
public sealed record BuiltCluster(ClusterContext Context, PodNetwork Network, IReadOnlyList<BuiltPod> Pods)
{
    public IReadOnlyList<BuiltNode> Nodes => Context.Nodes;

    public BuiltNode Node(string name) => Nodes.First(n => n.Name == name);
}
