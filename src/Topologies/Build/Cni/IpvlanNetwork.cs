using NetSim.Datapaths.Devices;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The <c>ipvlan</c> datapath: every pod gets an ipvlan device on its node's eth0, sharing eth0's MAC. The default
/// conflist is L2 mode with whereabouts over the pod CIDR: pods are L2 neighbours answered with their node's MAC, and
/// the receiving node's rx_handler finds the pod by its address. A conflist in L3 mode (host-local over the node's
/// podCIDR) sends pod packets through the node's own routing: each node with L3 pods routes its peers' pod subnets via
/// their addresses (as host-gw does). As on Linux, a node cannot reach its own ipvlan pods.
/// </summary>
public sealed class IpvlanNetwork : PodNetwork
{
    public IpvlanNetwork(ClusterContext cluster) : base(cluster) { }

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        var spec = Cluster.Scenario.Cluster;
        node.PodSubnet = spec.PodCidr.Subnet(spec.NodeMask, (ulong)node.Index);
        node.PodGateway = node.PodSubnet.Value.Address(1);
    }

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) => plugins.Add(new IpvlanPlugin(cni));

    /// <summary>An L2 ipvlan network over eth0 with whereabouts over the cluster's pod CIDR (the plugin's defaults: mode l2).</summary>
    protected override string DefaultConflist(BuiltNode node) => $$$"""
        {"cniVersion":"1.0.0","name":"ipvlan-net","plugins":[
         {"type":"ipvlan","master":"eth0","mode":"l2",
          "ipam":{"type":"whereabouts","range":"{{{Cluster.Scenario.Cluster.PodCidr}}}"}}]}
        """;

    /// <summary>An L2 pod's address is answered through its node, as its ARP reply would be.</summary>
    public override BuiltPod AddPod(BuiltNode node, PlacedPod pod)
    {
        var built = base.AddPod(node, pod);
        foreach (var dev in built.Namespace.Devices)
            if (dev is IpvlanDevice { Mode: IpvlanMode.L2 } iv) Cluster.Fabric.AddStackedEndpoint(node, iv.Mac, built.Address);
        return built;
    }

    /// <summary>In L3 mode each node routes its peers' pod subnets via their addresses (its pods' packets leave through its routing).</summary>
    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        foreach (var n in nodes.Where(HasL3Pods))
            foreach (var peer in nodes)
                if (peer != n) n.Host.AddRoute(peer.PodSubnet!.Value.ToString(), n.Eth0, via: peer.Address.ToString());
    }

    private static bool HasL3Pods(BuiltNode node) =>
        node.Pods.Any(p => p.Namespace.Devices.Any(d => d is IpvlanDevice { Mode: IpvlanMode.L3 }));
}
