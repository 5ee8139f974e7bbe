using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The bridge shape shared by the CNI bridge plugin and Flannel: each node gets a pod subnet (node i the i-th
/// /node_mask of the pod CIDR, as kube-controller-manager allocates). Pods are attached by the bridge plugin —
/// directly (the <c>bridge</c> datapath: containerd's bridge conflist over the node's podCIDR) or through the flannel
/// meta-plugin (kube-flannel's 10-flannel.conflist, which reads flanneld's subnet.env and delegates to bridge):
/// cni0 holds the subnet's .1 as the pods' gateway, a veth per pod is enslaved to cni0 with hairpin on, host-local
/// IPAM hands out addresses. Between nodes: static routes via the peer node (bridge, flannel host-gw) or a VXLAN
/// device flannel.&lt;VNI&gt; with an onlink route and an FDB entry per peer (flannel vxlan). The <c>ptp</c> datapath is
/// the same cluster with the ptp plugin in place of bridge: no cni0, the gateway on every pod's host end, /32 host routes.
/// </summary>
public sealed class BridgeNetwork : PodNetwork
{
    private readonly bool _vxlan;
    private readonly bool _flannel;
    private readonly bool _ptp;

    public BridgeNetwork(ClusterContext cluster, bool vxlan, bool flannel, bool ptp = false) : base(cluster)
    {
        _vxlan = vxlan;
        _flannel = flannel;
        _ptp = ptp;
    }

    protected override int EncapsulationOverhead => _vxlan ? VxlanDevice.HeaderOverhead : 0;

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        var spec = Cluster.Scenario.Cluster;
        var subnet = spec.PodCidr.Subnet(spec.NodeMask, (ulong)node.Index);
        node.PodSubnet = subnet;
        node.PodGateway = subnet.Address(1);
        if (!_flannel) return;
        // flanneld holds the lease and writes subnet.env; kube-flannel runs it with --ip-masq. Its masquerade rules are
        // installed with cni.masquerade (off by default without an outside world, as NetSim's earlier results had them).
        cniNode.FlannelSubnet = new FlannelSubnetEnv(spec.PodCidr, subnet, PodMtu(node), IpMasq: true);
        if (Cluster.Scenario.Cni.Masquerade) FlannelMasquerade.Install(node, spec.PodCidr, subnet);
        if (_vxlan) PrepareVxlan(node, subnet);
    }

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins)
    {
        plugins.Add(new BridgePlugin(cni)).Add(new PtpPlugin(cni));
        if (_flannel) plugins.Add(new FlannelPlugin(cni));
    }

    /// <summary>kube-flannel's 10-flannel.conflist (reference §1.5), or containerd's bridge conflist over the node's podCIDR.</summary>
    protected override string DefaultConflist(BuiltNode node) => _ptp ? PtpConflist : _flannel
        ? """
          {"name":"cbr0","cniVersion":"0.3.1","plugins":[
           {"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},
           {"type":"portmap","capabilities":{"portMappings":true}}]}
          """
        : """
          {"cniVersion":"1.0.0","name":"containerd-net","plugins":[
           {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":false,"hairpinMode":true,"mtu":__CNI_MTU__,
            "ipam":{"type":"host-local","ranges":[[{"subnet":"{{.PodCIDR}}"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
           {"type":"portmap","capabilities":{"portMappings":true}}]}
          """;

    /// <summary>A ptp conflist over the node's podCIDR in the shape of containerd's bridge one (the plugin's README options: mtu, ipMasq, ipam).</summary>
    private const string PtpConflist = """
        {"cniVersion":"1.0.0","name":"ptp-net","plugins":[
         {"type":"ptp","ipMasq":false,"mtu":__CNI_MTU__,
          "ipam":{"type":"host-local","ranges":[[{"subnet":"{{.PodCIDR}}"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
         {"type":"portmap","capabilities":{"portMappings":true}}]}
        """;

    /// <summary>flanneld: flannel.VNI with the subnet's .0/32, learning off, port 8472 by default.</summary>
    private void PrepareVxlan(BuiltNode node, Ipv4Prefix subnet)
    {
        var cni = Cluster.Scenario.Cni;
        var dev = new VxlanDevice(node.Host, $"flannel.{cni.Vni}", (uint)cni.Vni, (ushort)cni.VxlanPort, node.Eth0, node.Address);
        node.Host.AddAddress(dev, $"{subnet.Network}/32");
        node.Tunnel = dev;
        node.TunnelAddress = subnet.Network;
    }

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        foreach (var n in nodes)
        {
            Cluster.Fabric.AddHostRoute(n, n.PodSubnet!.Value);
            foreach (var peer in nodes)
            {
                if (peer == n) continue;
                var peerSubnet = peer.PodSubnet!.Value;
                if (_vxlan)
                {
                    var dev = (VxlanDevice)n.Tunnel!;
                    n.Host.AddRoute(peerSubnet.ToString(), dev, via: peer.TunnelAddress.ToString(), onLink: true);
                    dev.AddRemoteVtep(peer.TunnelAddress, peer.Tunnel!.Mac, peer.Address);
                }
                else
                {
                    n.Host.AddRoute(peerSubnet.ToString(), n.Eth0, via: NextHopTo(n, peer).ToString());
                }
            }
        }
    }

    /// <summary>host-gw routes via the peer's own address (a shared L2); in a routed fabric, via the rack gateway.</summary>
    private static Ipv4Address NextHopTo(BuiltNode from, BuiltNode to) =>
        from.NodeSubnet.Contains(to.Address) ? to.Address : from.NodeSubnet.Address(1);
}
