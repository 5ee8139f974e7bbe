using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>The cluster: its nodes, the fabric between them, and the address plan.</summary>
public sealed record ClusterSpec(
    IReadOnlyList<NodeSpec> Nodes,
    FabricSpec Fabric,
    Ipv4Prefix PodCidr,
    Ipv4Prefix ServiceCidr,
    Ipv4Prefix NodeCidr,
    int NodeMask,
    int MaxPods)
{
    /// <summary>
    /// The machine's speed against the cost profile's reference machine: multiplies the profile's cpu_scale for
    /// every node (1 = the profile's machine, 0.8 = a 25 % faster one). Hardware of a published testbed.
    /// </summary>
    public decimal CpuScale { get; init; } = 1m;

    /// <summary>
    /// Every node's NIC interrupt moderation (ethtool -C rx-usecs): how long the RX interrupt waits after the first
    /// ready frame. Null: the cost profile's nic.rx_coalescing. A NIC and driver setting of a testbed, like the MTU.
    /// </summary>
    public NetSim.Engine.Core.SimTime? NicRxCoalescing { get; init; }

    /// <summary>
    /// One core's L2 cache in bytes. Null: the cost profile's l2_cache (its reference machine's). Hardware of a
    /// testbed, like cpu_scale: long table walks (iptables rules) slow down once they no longer fit.
    /// </summary>
    public long? L2CacheBytes { get; init; }

    /// <summary>
    /// The scheduler's wake-affine placement (Linux's default): a thread woken by the softirq that received its data
    /// runs on that softirq's core. False for a tuned testbed whose interrupts and applications are pinned to
    /// separate cores: a thread then moves off its connection's softirq core.
    /// </summary>
    public bool WakeAffine { get; init; } = true;

    /// <summary>
    /// The nodes' kernel merges UDP-tunnel frames with a zero outer checksum in the NIC's GRO (Linux 5.12 and the 2021
    /// stable backports of commit 89e5c58fc1e2); false for an older kernel, where such frames are merged only after
    /// decapsulation unless the NIC verified their inner checksum (Engine.Nics.RxChecksum).
    /// </summary>
    public bool ZeroChecksumTunnelGro { get; init; } = true;

    /// <summary>
    /// The nodes are network namespaces of one machine (ip netns), not machines: they share one set of cores (every
    /// node's <c>cores</c>), so a softirq or process of one node takes CPU time from the others, as on a single host.
    /// </summary>
    public bool SharedCpu { get; init; }

    /// <summary>
    /// What the nodes' kernel does when two new conntrack entries of one tuple meet at confirm (__nf_conntrack_confirm):
    /// "drop" the later packet (before Linux 4.19), drop it only when its NAT differs ("matching": commit "netfilter:
    /// nf_conntrack: resolve clash for matching conntracks", ed07d9a021df, Linux 4.19), or insert the clashing UDP entry too ("insert":
    /// "netfilter: conntrack: allow insertion of clashing entries", 6a757c07e51f, Linux 5.6). Sources in scenarios/README.md.
    /// </summary>
    public string ConntrackClash { get; init; } = ClashMatching;

    public const string ClashDrop = "drop", ClashMatching = "matching", ClashInsert = "insert";

    /// <summary>
    /// The outside world's network beyond the cluster's gateway router (null: external hosts sit on the node network, as
    /// before). When set, a Linux router holds the node network's gateway address (the node CIDR's .1 on one segment, the
    /// first rack's .254 in a routed fabric) and this network's .1; every external host is on this network behind it. The
    /// router knows only the node network (and, in a routed fabric, what the leaves route), not the pod CIDR: a pod's
    /// packet comes back only if something rewrote its source on the way out (masquerade, SNAT).
    /// </summary>
    public Ipv4Prefix? ExternalNetwork { get; init; }

    /// <summary>cluster.dhcp_server: the node network's DHCP server (for the dhcp IPAM plugin); null: none.</summary>
    public DhcpServerSpec? DhcpServer { get; init; }

    /// <summary>
    /// What serves type LoadBalancer (cluster.load_balancer): "cloud" (a provider's load balancer beyond the gateway,
    /// spreading connections over the nodes' NodePorts with health checks), "metallb-l2" (the elected speaker node answers
    /// ARP for the address) or "metallb-bgp" (nodes announce the address/32 to the fabric's routers, ECMP).
    /// </summary>
    public string LoadBalancer { get; init; } = LoadBalancerMetalLbL2;

    public const string LoadBalancerCloud = "cloud", LoadBalancerMetalLbL2 = "metallb-l2", LoadBalancerMetalLbBgp = "metallb-bgp";

    /// <summary>The addresses LoadBalancer Services get their ingress from (a MetalLB IPAddressPool, or the cloud's).</summary>
    public Ipv4Prefix LoadBalancerPool { get; init; } = DefaultLoadBalancerPool;

    /// <summary>198.18.0.0/24: part of the benchmarking range (RFC 2544, special-purpose per RFC 6890), never routed on the Internet.</summary>
    public static readonly Ipv4Prefix DefaultLoadBalancerPool = Ipv4Prefix.Parse("198.18.0.0/24");

    /// <summary>The cloud load balancer's health check of each node (cluster.load_balancer_health_check).</summary>
    public LoadBalancerHealthCheckSpec LoadBalancerHealthCheck { get; init; } = LoadBalancerHealthCheckSpec.Default;

    /// <summary>The NICs every node has besides eth0 (cluster.nics), each on a network of its own; none by default.</summary>
    public IReadOnlyList<SecondaryNicSpec> SecondaryNics { get; init; } = [];
}
