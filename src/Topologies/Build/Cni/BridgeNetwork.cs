using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

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
/// Flannel's wireguard backend (pkg/backend/wireguard) gives each node flannel-wg with the subnet's .0/32, MTU the
/// NIC's less 80, one route for the whole flannel network through it, and one peer per other node (endpoint its
/// address, port 51820, allowed-ips its subnet).
/// </summary>
public sealed class BridgeNetwork : PodNetwork
{
    private readonly bool _vxlan;
    private readonly bool _flannel;
    private readonly bool _ptp;
    private readonly bool _wireguard;

    public BridgeNetwork(ClusterContext cluster, bool vxlan, bool flannel, bool ptp = false, bool wireguard = false) : base(cluster)
    {
        _vxlan = vxlan;
        _flannel = flannel;
        _ptp = ptp;
        _wireguard = wireguard;
    }

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
        if (_wireguard) PrepareWireGuard(node, subnet);
    }

    /// <summary>flanneld's wireguard backend: flannel-wg (listen port 51820) with the subnet's .0/32 and the flannel network routed through it.</summary>
    private void PrepareWireGuard(BuiltNode node, Ipv4Prefix subnet)
    {
        int mtu = node.Spec.Nic.Mtu - NodeEncryptionKinds.FlannelWireGuardOverhead;
        var dev = new WireGuardDevice(node.Host, "flannel-wg", WireGuardDevice.DefaultPort, node.Eth0, mtu);
        node.Host.AddAddress(dev, $"{subnet.Network}/32");
        node.Host.AddRoute(Cluster.Scenario.Cluster.PodCidr.ToString(), dev);
        node.Tunnel = dev;
        node.TunnelAddress = subnet.Network;
        InstallIpMasq(node);
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

    /// <summary>Canal: Flannel's datapath with calico-node's Felix programming NetworkPolicy in iptables (cni.policy_agent: canal).</summary>
    private bool Canal => _flannel && Cluster.Scenario.Cni.PolicyAgent == CniSpec.CanalAgent;

    public override void AfterKubeProxySync(BuiltNode node)
    {
        if (Canal) IptablesFeeders.KeepFirst(node, CalicoFelixIptables.FeederComment);
    }

    /// <summary>
    /// flanneld --ip-masq (kube-flannel's default): FLANNEL-POSTRTG in nat POSTROUTING returns pod-to-pod traffic and
    /// masquerades what leaves the pod network, so a pod's packet to a node comes back to this node's address and not
    /// through the tunnel (through WireGuard, whose allowed-ips would refuse a node's address as a pod source).
    /// Installed for the wireguard backend, where the reply depends on it.
    /// </summary>
    private void InstallIpMasq(BuiltNode node)
    {
        var pods = Cluster.Scenario.Cluster.PodCidr;
        var nat = node.Host.Netfilter.Nat;
        var chain = nat.GetOrCreateChain("FLANNEL-POSTRTG");
        const string comment = "flanneld masq";
        chain.Append(new IptRule { Source = pods, Destination = pods, Target = StandardTarget.Return, Comment = comment });
        chain.Append(new IptRule { Source = pods, Destination = Ipv4Prefix.Parse("224.0.0.0/4"), DestinationInvert = true,
            Target = new MasqueradeTarget(flags: NatRangeOptions.RandomFully), Comment = comment });
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Target = StandardTarget.Jump(chain), Comment = comment });
    }

    public override string PolicyAgent => Canal ? "felix-iptables" : "";

    /// <summary>Canal: Felix rewrites its chains (by pod address) for the policies and pods of now.</summary>
    public override int ProgramPolicy(BuiltNode node, Policy.ClusterPolicies? policies) =>
        Canal ? CalicoFelixIptables.Reprogram(node, ipip: false, vxlan: false, policies, byAddress: true) : 0;

    public override int PolicyStateSize(BuiltNode node) => Canal ? CalicoFelixIptables.RuleCount(node) : 0;

    public override int PolicyWriteSize(BuiltNode node, Policy.ClusterPolicies? policies) =>
        Canal ? CalicoFelixIptables.RestoreLines(node, ipip: false, vxlan: false, policies, byAddress: true) : 0;

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        if (Canal)
        {
            var policies = PolicyWiring.Of(Cluster);
            foreach (var n in nodes) CalicoFelixIptables.Install(n, ipip: false, vxlan: false, policies, byAddress: true);
        }
        foreach (var n in nodes)
        {
            Cluster.Fabric.AddHostRoute(n, n.PodSubnet!.Value);
            foreach (var peer in nodes)
            {
                if (peer == n) continue;
                var peerSubnet = peer.PodSubnet!.Value;
                if (_wireguard)
                {
                    ((WireGuardDevice)n.Tunnel!).AddPeer(peer.Address, [peerSubnet]);
                }
                else if (_vxlan)
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
