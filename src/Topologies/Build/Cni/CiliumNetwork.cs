using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Cilium: each node gets a pod CIDR (cluster-pool, one /node_mask per node); cilium_host holds the node's router
/// address, which is every pod's gateway; each pod's host-side veth (lxc…) runs bpf_lxc at tc ingress (several
/// program units) and answers ARP for the gateway. Tunnel mode (VXLAN 8472 or Geneve 6081) sends other nodes'
/// pod CIDRs through cilium_vxlan/cilium_geneve; native routing sends them via the peer node's address
/// (autoDirectNodeRoutes). With eBPF host routing, bpf_lxc redirects straight to the peer pod or out of eth0
/// (bpf_redirect_peer / bpf_redirect_neigh) and bpf_host on eth0 redirects into pods, skipping the host's netfilter
/// and upper stack; "legacy" host routing passes packets up the host stack instead.
/// </summary>
public sealed class CiliumNetwork : PodNetwork
{
    /// <summary>bpf_lxc is a large program: charged as this many bpf.program units (its tail calls and maps).</summary>
    public const int BpfLxcUnits = 2;

    private readonly string _mode;
    private readonly Dictionary<BuiltNode, HostLocalAllocator> _ipam = new();
    private readonly Dictionary<BuiltNode, CniNode> _cni = new();

    public CiliumNetwork(ClusterContext cluster) : base(cluster) => _mode = cluster.Scenario.Cni.Datapath;

    private bool Tunnel => _mode is DatapathNames.CiliumVxlan or DatapathNames.CiliumGeneve;
    // eBPF host routing needs the kube-proxy replacement (Cilium's tuning guide, "eBPF Host-Routing"): with kube-proxy
    // doing the Services, Cilium falls back to legacy host routing, so replies pass the host's conntrack for un-DNAT.
    private bool HostRoutingBpf => Cluster.Scenario.Cni.HostRoutingBpf && !Tunnel && !KubeProxyRuns;

    private bool WireGuard => NodeEncryptionKinds.Uses(Cluster.Scenario.Cni, NodeEncryptionKinds.WireGuard);
    private bool Ipsec => NodeEncryptionKinds.Uses(Cluster.Scenario.Cni, NodeEncryptionKinds.Ipsec);
    private readonly Dictionary<BuiltNode, WireGuardDevice> _wireguard = new();
    private readonly Dictionary<BuiltNode, EspTunnelDevice> _ipsec = new();

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        var spec = Cluster.Scenario.Cluster;
        var subnet = spec.PodCidr.Subnet(spec.NodeMask, (ulong)node.Index);
        node.PodSubnet = subnet;
        node.PodGateway = subnet.Address(1);
        var ciliumHost = new DummyDevice(node.Host, "cilium_host", PodMtu(node));
        node.Host.AddAddress(ciliumHost, $"{node.PodGateway}/32");
        // cluster-pool hands out from .2 upwards: the router address (.1) is taken by cilium_host.
        _ipam[node] = new HostLocalAllocator(new RangeSet([new IpRange(subnet.ToString(), rangeStart: subnet.Address(2).ToString())]), new HostLocalStore(), 0);
        _cni[node] = cniNode;
        // kube-proxy's Service DNAT needs nf_conntrack (Cilium's netfilter-conntrack bypass needs its replacement);
        // without Services the calibrated "No CT" setups (Cilium + kube-proxy benchmark) stay as measured.
        if (!Cluster.Scenario.Cni.Conntrack && !(KubeProxyRuns && Cluster.Scenario.Services.Count > 0)) node.Host.Conntrack.Mode = Datapaths.Conntrack.ConntrackMode.Off;
        if (WireGuard) _wireguard[node] = NodeEncryption.Device(node, "cilium_wg0", node.Spec.Nic.Mtu - NodeEncryption.Overhead);
        if (Ipsec) _ipsec[node] = NodeEncryption.Ipsec(node);
        if (!Tunnel) return;
        var cni = Cluster.Scenario.Cni;
        UdpTunnelDevice dev = _mode == DatapathNames.CiliumVxlan
            ? new VxlanDevice(node.Host, "cilium_vxlan", (uint)cni.Vni, (ushort)cni.VxlanPort, node.Eth0, node.Address)
            : new GeneveDevice(node.Host, "cilium_geneve", (uint)cni.Vni, 0, GeneveDevice.DefaultPort, node.Eth0, node.Address);
        // bpf/lib/encap.h sets the tunnel key with BPF_F_ZERO_CSUM_TX: a zero outer UDP checksum.
        dev.UdpChecksum = false;
        node.Tunnel = dev;
        node.TunnelAddress = node.PodGateway;
    }

    /// <summary>cilium-cni, which asks the node's agent for addresses (cluster-pool) and takes the agent's MTU.</summary>
    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) =>
        plugins.Add(new CiliumCniPlugin(cni, _ipam[node], node.PodGateway, PodMtu(node)));

    /// <summary>The 05-cilium.conflist the agent writes.</summary>
    protected override string DefaultConflist(BuiltNode node) => """
        {"cniVersion":"0.3.1","name":"cilium","plugins":[
         {"type":"cilium-cni","enable-debug":false,"log-file":"/var/run/cilium/cilium-cni.log"}]}
        """;

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        var policies = PolicyWiring.Of(Cluster);
        var identities = policies is null ? null : new Policy.PolicyIdentities(policies);
        foreach (var n in nodes)
        {
            if (!Tunnel) Cluster.Fabric.AddHostRoute(n, n.PodSubnet!.Value);
            foreach (var peer in nodes)
            {
                if (peer == n) continue;
                string peerSubnet = peer.PodSubnet!.Value.ToString();
                if (n.Tunnel is UdpTunnelDevice tun)
                {
                    n.Host.AddRoute(peerSubnet, tun, via: peer.TunnelAddress.ToString(), onLink: true);
                    tun.AddRemoteVtep(peer.TunnelAddress, peer.Tunnel!.Mac, peer.Address);
                    // Encapsulated, then encrypted: the peer's node address is in its allowed-ips (Cilium 1.15+).
                    if (_wireguard.TryGetValue(n, out var tunnelWg)) tunnelWg.AddPeer(peer.Address, [new Ipv4Prefix(peer.Address, 32)]);
                }
                else if (_wireguard.TryGetValue(n, out var wg))
                {
                    NodeEncryption.Route(n, wg, peer, peer.PodSubnet!.Value);
                }
                else if (_ipsec.TryGetValue(n, out var esp))
                {
                    n.Host.AddRoute(peerSubnet, esp, via: peer.Address.ToString(), onLink: true);
                }
                else
                {
                    var via = n.NodeSubnet.Contains(peer.Address) ? peer.Address : n.NodeSubnet.Address(1);
                    n.Host.AddRoute(peerSubnet, n.Eth0, via: via.ToString());
                }
            }
            AttachPrograms(n, identities is null ? null : PolicyWiring.Bpf(policies!, identities, n, nodes, cidrMatchesEndpoints: false));
            if (Tunnel && (WireGuard || Ipsec)) AttachEncryptRedirect(n, WireGuard ? _wireguard[n] : _ipsec[n]);
            CiliumIptables.Install(n);
        }
    }

    /// <summary>
    /// Tunnel mode with encryption: bpf_host on eth0's tc egress (to-netdev) sends the tunnel's own UDP packets to the
    /// encryption device (wg_maybe_redirect_to_encrypt; for IPsec the xfrm output path), so they leave encrypted;
    /// everything else, the encrypted packets among them, passes.
    /// </summary>
    private static void AttachEncryptRedirect(BuiltNode n, NetDevice encrypt)
    {
        ushort port = ((UdpTunnelDevice)n.Tunnel!).Port;
        n.Eth0.TcEgress = new DelegateBpfProgram("cil_to_netdev", (p, _, _) =>
            p.Ipv4.Protocol == Ipv4Header.ProtocolUdp && p.Udp.DestinationPort == port ? BpfResult.Redirect(encrypt) : BpfResult.Pass);
    }

    /// <summary>
    /// enable-ipv4-masquerade: eBPF with eBPF host routing, else iptables; the native-routing CIDR (the cluster's pod
    /// CIDR, autoDirectNodeRoutes) is not masqueraded, or in tunnel mode the node's own allocation range.
    /// </summary>
    private void Masquerade(BuiltNode n)
    {
        var exclude = Tunnel ? n.PodSubnet!.Value : Cluster.Scenario.Cluster.PodCidr;
        if (HostRoutingBpf) n.NodeProgram = CiliumMasquerade.InstallBpf(n, exclude, n.NodeProgram!);
        else CiliumMasquerade.InstallIptables(n, exclude);
    }

    /// <summary>The agent prepends its CILIUM_* feeders when it starts, after kube-proxy's.</summary>
    public override void AfterKubeProxySync(BuiltNode node) => IptablesFeeders.KeepFirst(node, CiliumIptables.FeederComment);

    /// <summary>
    /// bpf_lxc on each pod veth and bpf_host on eth0; with NetworkPolicy, bpf_lxc enforces the sender's egress policy
    /// and, for a local receiver, its ingress policy before the redirect; bpf_host the receiver's ingress policy for
    /// packets it redirects in; and the to-container program on the veth's tc egress the ingress policy of whatever
    /// reaches the pod through the host stack (legacy host routing, tunnels, the node itself).
    /// </summary>
    private void AttachPrograms(BuiltNode n, Policy.BpfPolicyEnforcer? policy)
    {
        var local = _cni[n].LocalEndpoints;
        if (policy is null)
        {
            n.PodProgram = HostRoutingBpf ? (p, _, _) => PodRedirect.FromPod(n, local, p) : (_, _, _) => BpfResult.Pass;
            n.NodeProgram = HostRoutingBpf ? (p, _, _) => PodRedirect.FromWire(local, p) : (_, _, _) => BpfResult.Pass;
        }
        else
        {
            n.PodProgram = HostRoutingBpf ? (p, _, _) => PodRedirect.FromPod(n, local, p, policy) : (p, _, _) => policy.Egress(p);
            n.NodeProgram = HostRoutingBpf ? (p, _, _) => PodRedirect.FromWire(local, p, policy) : (_, _, _) => BpfResult.Pass;
            n.ToPodProgram = (p, _, _) => policy.Ingress(p);
        }
        if (Cluster.Scenario.Cni.Masquerade) Masquerade(n);
        var lxc = new DelegateBpfProgram("bpf_lxc", n.PodProgram, BpfLxcUnits);
        foreach (var (_, veth) in local) veth.TcIngress = lxc;
        n.Eth0.TcIngress = new DelegateBpfProgram("bpf_host", n.NodeProgram);
        if (n.ToPodProgram is null) return;
        var toContainer = new DelegateBpfProgram("cil_to_container", n.ToPodProgram);
        foreach (var (_, veth) in local) veth.TcEgress = toContainer;
    }

    /// <summary>kube-proxy (iptables, IPVS or nftables) does the Services: Cilium runs without its replacement.</summary>
    private bool KubeProxyRuns => Cluster.Scenario.KubeProxy.Mode is "iptables" or "ipvs" or "nftables";

    public override string PolicyAgent => "cilium";

    /// <summary>cilium-agent regenerates the node's endpoints: their policy maps from the policies and pods of now.</summary>
    public override int ProgramPolicy(BuiltNode node, Policy.ClusterPolicies? policies)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (policies is null || node.PolicyEnforcer is not { } enforcer) return 0;
        enforcer.Reprogram(policies, policies.Endpoints.Where(e => e.Node == node.Name));
        return enforcer.Entries;
    }

    public override int PolicyStateSize(BuiltNode node) => node?.PolicyEnforcer?.Entries ?? 0;

    /// <summary>cilium-agent regenerates a new endpoint: bpf_lxc on its veth (and the to-container program with policy).</summary>
    public override void AttachNewPod(BuiltNode node, BuiltPod pod)
    {
        if (pod.HostVeth is not { } veth || node.PodProgram is not { } fromPod) return;
        veth.TcIngress = new DelegateBpfProgram("bpf_lxc", fromPod, BpfLxcUnits);
        if (node.ToPodProgram is { } toPod) veth.TcEgress = new DelegateBpfProgram("cil_to_container", toPod);
    }
}
