using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Host networking, the baseline: every "pod" is a process in its node's own network namespace, reached at the
/// node's address — node-to-node traffic with no container networking at all.
/// </summary>
public sealed class HostNetwork : PodNetwork
{
    public HostNetwork(ClusterContext cluster) : base(cluster) { }

    /// <summary>No CNI at all: nothing is installed on the node.</summary>
    public override void PrepareNode(BuiltNode node) { }

    protected override void PrepareHost(BuiltNode node, CniNode cniNode) { }

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) { }

    protected override string DefaultConflist(BuiltNode node) => throw new InvalidOperationException("host networking runs no CNI");

    public override BuiltPod AddPod(BuiltNode node, PlacedPod pod) => new(pod, node, node.Host, node.Address, null);

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes) { }
}
