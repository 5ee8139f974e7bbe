namespace NetSim.Topologies.Scenarios;

/// <summary>
/// The one short name of each datapath, used everywhere (a scenario's cni, --datapath, compare), with what it is.
/// </summary>
public static class DatapathNames
{
    public const string Host = "host";
    public const string Bridge = "bridge";
    public const string FlannelVxlan = "flannel-vxlan";
    public const string FlannelHostGw = "flannel-host-gw";
    public const string CalicoBgp = "calico-bgp";
    public const string CalicoIpip = "calico-ipip";
    public const string CalicoVxlan = "calico-vxlan";
    public const string CalicoEbpf = "calico-ebpf";
    public const string CiliumVxlan = "cilium-vxlan";
    public const string CiliumGeneve = "cilium-geneve";
    public const string CiliumEbpf = "cilium-ebpf";
    public const string CiliumLegacy = "cilium-legacy";
    public const string AwsVpcCni = "aws-vpc-cni";
    public const string Ptp = "ptp";
    public const string Macvlan = "macvlan";
    public const string Ipvlan = "ipvlan";
    public const string Sriov = "sriov";
    public const string HostDevice = "host-device";
    public const string FlannelWireGuard = "flannel-wireguard";
    public const string Weave = "weave";
    public const string WeaveSleeve = "weave-sleeve";

    /// <summary>Weave Net, either overlay: fast datapath (falling back to sleeve where it must) or sleeve alone.</summary>
    public static bool IsWeave(string datapath) => datapath is Weave or WeaveSleeve;

    /// <summary>
    /// The pod owns a device of its own (a VF or a whole NIC) and runs the kernel's stack there, outside the host's netns:
    /// its path is not the host path plus hops (it skips the host's netfilter and kube-proxy rules).
    /// </summary>
    public static bool BypassesHostStack(string datapath) => datapath is Sriov or HostDevice;

    /// <summary>WEAVE_MTU's default: Weave Net gives pods 1376 bytes whatever the NIC's MTU (its docs, "Configuring the MTU").</summary>
    public const int WeaveDefaultMtu = 1376;

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [Host] = "host networking: node to node, no containers (the baseline)",
        [Bridge] = "CNI bridge plugin: cni0, a veth per pod, host-local IPAM, static routes between nodes",
        [FlannelVxlan] = "Flannel, VXLAN backend: flannel.1, VNI 1, UDP 8472, MTU 1450",
        [FlannelHostGw] = "Flannel, host-gw backend: routes to peer nodes' pod subnets via their IPs (needs a shared L2)",
        [CalicoBgp] = "Calico, native routing: /32 routes per pod, proxy ARP, block routes learned over BGP",
        [CalicoIpip] = "Calico, IP-in-IP encapsulation (tunl0, MTU 1480)",
        [CalicoVxlan] = "Calico, VXLAN encapsulation (vxlan.calico, MTU 1450)",
        [CalicoEbpf] = "Calico's eBPF dataplane: tc programs, no kube-proxy, no iptables on the fast path",
        [CiliumVxlan] = "Cilium, VXLAN tunnel mode (cilium_vxlan, UDP 8472)",
        [CiliumGeneve] = "Cilium, Geneve tunnel mode (cilium_geneve, UDP 6081)",
        [CiliumEbpf] = "Cilium, native routing with eBPF host routing and kube-proxy replacement",
        [CiliumLegacy] = "Cilium, native routing through the host stack (legacy host routing, iptables)",
        [Ptp] = "CNI ptp plugin: a veth per pod with the gateway on its host end, a /32 host route per pod, no bridge; host-local IPAM, static routes between nodes",
        [Macvlan] = "CNI macvlan plugin, bridge mode on eth0: each pod its own MAC on the node network, whereabouts IPAM over the pod CIDR, no routes or overlay (needs a shared L2; a node cannot reach its own pods)",
        [Ipvlan] = "CNI ipvlan plugin, L2 mode on eth0: pods share the node's MAC and are found by address, whereabouts IPAM over the pod CIDR, no routes or overlay (needs a shared L2; a node cannot reach its own pods)",
        [Sriov] = "SR-IOV as the pod network: each node's eth0 an SR-IOV NIC with a VF per pod, each pod's eth0 a VF (SR-IOV network device plugin, sriov-cni, whereabouts over the pod CIDR); the NIC's embedded switch forwards VF to VF on a node and VF to the wire across nodes, bypassing veth, bridge and the host's stack and netfilter, so kube-proxy's Services do not reach the pods (needs a shared L2)",
        [HostDevice] = "CNI host-device plugin as the pod network: each pod owns a whole NIC of eth0's spec (one per pod on every node, cabled to the node network), moved into its netns with whereabouts over the pod CIDR; the pod's own driver sends to the wire, bypassing veth, bridge and the host's stack and netfilter, so kube-proxy's Services do not reach the pods (needs a shared L2)",
        [AwsVpcCni] = "Amazon VPC CNI: pods hold secondary IPs of the node's ENIs, eni… veths, per-ENI policy routing, VPC-routed (no overlay)",
        [Weave] = "Weave Net, fast datapath: the weave bridge, an Open vSwitch kernel datapath with a VXLAN vport (UDP 6784), flows per MAC; one L2 pod network over 10.32.0.0/12 split among the nodes by Weave's IPAM ring; MTU 1376",
        [WeaveSleeve] = "Weave Net, sleeve (WEAVE_NO_FASTDP, or a kernel without Open vSwitch): the weave bridge, its frames captured by the weaver process with pcap on vethwe-pcap, batched into UDP datagrams to the peer's port 6783 and injected back on the far node; every frame crosses into the process and back; NaCl with a password; MTU the sleeve path's (1438 on a 1500-byte NIC)",
        [FlannelWireGuard] = "Flannel, wireguard backend: cni0 bridge, the flannel network routed through flannel-wg (one WireGuard peer per node, its subnet as allowed-ips, UDP 51820), MTU 1420",
    };

    public static IReadOnlyCollection<string> All => (IReadOnlyCollection<string>)Descriptions.Keys;

    public static bool IsKnown(string name) => Descriptions.ContainsKey(name);

    /// <summary>Bytes an overlay takes from the NIC MTU (reference published-measurements.md §4a).</summary>
    public static int EncapsulationOverhead(string datapath) => datapath switch
    {
        FlannelVxlan or CalicoVxlan or CiliumVxlan => 50,
        CiliumGeneve => 50,
        CalicoIpip => 20,
        _ => 0,
    };
}
