using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The bridge shape shared by the CNI bridge plugin and Flannel: each node gets a pod subnet (node i the i-th
/// /node_mask of the pod CIDR, as kube-controller-manager allocates), a bridge cni0 holding its .1 as the pods'
/// gateway, a veth per pod enslaved to cni0 (hairpin on, as flannel's conflist sets), host-local IPAM, and
/// bridge-nf-call-iptables on (kube-proxy needs it). Between nodes: static routes via the peer node (bridge,
/// flannel host-gw) or a VXLAN device flannel.&lt;VNI&gt; with an onlink route and an FDB entry per peer (flannel vxlan).
/// </summary>
public sealed class BridgeNetwork : PodNetwork
{
    private readonly bool _vxlan;
    private readonly Dictionary<BuiltNode, HostLocalAllocator> _ipam = new();

    public BridgeNetwork(ClusterContext cluster, bool vxlan) : base(cluster) => _vxlan = vxlan;

    protected override int EncapsulationOverhead => _vxlan ? VxlanDevice.HeaderOverhead : 0;

    public override void PrepareNode(BuiltNode node)
    {
        var spec = Cluster.Scenario.Cluster;
        var subnet = spec.PodCidr.Subnet(spec.NodeMask, (ulong)node.Index);
        node.PodSubnet = subnet;
        node.PodGateway = subnet.Address(1);
        var cni0 = new LinuxBridge(node.Host, "cni0", PodMtu(node)) { NfCallIptables = true };
        node.Host.AddAddress(cni0, $"{node.PodGateway}/{subnet.Length}");
        node.Bridge = cni0;
        _ipam[node] = new HostLocalAllocator(new RangeSet([new IpRange(subnet.ToString())]), new HostLocalStore(), 0);
        if (_vxlan) PrepareVxlan(node, subnet);
    }

    /// <summary>flanneld: flannel.VNI with the subnet's .0/32, learning off, port 8472 by default.</summary>
    private void PrepareVxlan(BuiltNode node, Ipv4Prefix subnet)
    {
        var cni = Cluster.Scenario.Cni;
        var dev = new VxlanDevice(node.Host, $"flannel.{cni.Vni}", (uint)cni.Vni, (ushort)cni.VxlanPort, node.Eth0, node.Address);
        node.Host.AddAddress(dev, $"{subnet.Network}/32");
        node.Tunnel = dev;
        node.TunnelAddress = subnet.Network;
    }

    public override BuiltPod AddPod(BuiltNode node, PlacedPod pod)
    {
        var ip = _ipam[node].Get(pod.Name, "eth0").Address;
        var address = new Ipv4Address((uint)ip.Value);
        var (ns, veth) = PodNamespace(node, pod, HostVethName("veth", pod), address, node.PodSubnet!.Value.Length);
        ns.AddRoute("0.0.0.0/0", veth.A, via: node.PodGateway.ToString());
        node.Bridge!.AddPort(veth.B, hairpin: true);
        return new BuiltPod(pod, node, ns, address, veth);
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

    public static bool IsVxlan(CniSpec cni) => cni.Datapath == DatapathNames.FlannelVxlan;
}
