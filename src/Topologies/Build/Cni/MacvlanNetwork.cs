using NetSim.Datapaths.Devices;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The <c>macvlan</c> datapath: every pod gets a macvlan device on its node's eth0 (bridge mode) with an address
/// from one cluster-wide whereabouts range over the pod CIDR, so all pods sit on the nodes' shared L2 network and
/// reach each other by ARP, without routes, bridges or overlays; a frame leaves through the NIC with the pod's own
/// MAC (the NIC's unicast filter holds every pod MAC). As on Linux, a node cannot reach its own macvlan pods.
/// </summary>
public sealed class MacvlanNetwork : PodNetwork
{
    public MacvlanNetwork(ClusterContext cluster) : base(cluster) { }

    protected override void PrepareHost(BuiltNode node, CniNode cniNode) { }

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) => plugins.Add(new MacvlanPlugin(cni));

    /// <summary>The whereabouts README's macvlan network over the cluster's pod CIDR (whereabouts: one range for every node).</summary>
    protected override string DefaultConflist(BuiltNode node) => $$$"""
        {"cniVersion":"1.0.0","name":"macvlan-net","plugins":[
         {"type":"macvlan","master":"eth0","mode":"bridge",
          "ipam":{"type":"whereabouts","range":"{{{Cluster.Scenario.Cluster.PodCidr}}}"}}]}
        """;

    /// <summary>The pod's MAC is known to the switch and its address to ARP through its node, as its first ARP reply would make them.</summary>
    public override BuiltPod AddPod(BuiltNode node, PlacedPod pod)
    {
        var built = base.AddPod(node, pod);
        foreach (var dev in built.Namespace.Devices)
            if (dev is MacvlanDevice mv) Cluster.Fabric.AddStackedEndpoint(node, mv.Mac, built.Address);
        return built;
    }

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes) { }
}
