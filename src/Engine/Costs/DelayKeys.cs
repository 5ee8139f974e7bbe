namespace NetSim.Engine.Costs;

/// <summary>
/// Every hardware delay a profile may set. A profile with a delay key not listed here is rejected on load; a key
/// the profile leaves out is zero.
/// </summary>
public static class DelayKeys
{
    public static readonly DelayKey NicTxLatency = new("nic.tx_latency",
        "NIC transmit: doorbell, descriptor and data DMA over PCIe until the frame can start on the wire");
    public static readonly DelayKey NicRxLatency = new("nic.rx_latency",
        "NIC receive: data DMA to memory plus interrupt delivery (moderation) until the NAPI poll can run");
    public static readonly DelayKey NicRxCoalescing = new("nic.rx_coalescing",
        "RX interrupt moderation (ethtool rx-usecs): how long the interrupt waits after the first ready frame, so later frames share its poll");
    public static readonly DelayKey SwitchForwarding = new("switch.forwarding_latency",
        "a hardware switch's fixed forwarding latency (lookup and crossbar), the default when a fabric names none");
    public static readonly DelayKey SriovEswitch = new("sriov.eswitch_latency",
        "an SR-IOV NIC's embedded switch (VEB): its lookup and internal loopback when one function's frame goes to another function of the same NIC");
    public static readonly DelayKey DnsUpstream = new("dns.upstream_latency",
        "the upstream resolver CoreDNS forwards a name outside the cluster to: its round trip and resolution, as a fixed delay");

    public static readonly DelayKey NodeMonitorGracePeriod = new("control.node_monitor_grace_period",
        "kube-controller-manager --node-monitor-grace-period: how long a node may be silent before the node lifecycle controller marks it NotReady");
    public static readonly DelayKey KubeProxyMinSyncPeriod = new("control.kube_proxy_min_sync_period",
        "kube-proxy minSyncPeriod: the wait between an endpoint change reaching kube-proxy and its rules being rewritten");
    public static readonly DelayKey BgpHoldTime = new("control.bgp_hold_time",
        "the BGP hold time: how long a speaker waits without a keepalive before it drops the session and withdraws the peer's routes");

    public static readonly DelayKey MemberlistProbeInterval = new("control.memberlist_probe_interval",
        "memberlist's probe interval as MetalLB's speakers run it: each member probes one other per interval, so a silent one is found one interval after its probe starts");
    public static readonly DelayKey MemberlistSuspicionTimeout = new("control.memberlist_suspicion_timeout",
        "memberlist's suspicion timeout up to ten members (its suspicion multiplier times the probe interval; scaled by log10 of the members above): a suspected member is declared dead after it");
    public static readonly DelayKey MetalLbRejoinPeriod = new("control.metallb_rejoin_period",
        "MetalLB's speaker joins the speakers missing from its memberlist this often: a node back from an outage takes its layer 2 addresses back at the next tick");

    public static readonly DelayKey BgpUpdateDelay = new("control.bgp_update_delay",
        "one BGP UPDATE (announcement or withdrawal) from a speaker's decision to its peer's: BIRD's processing and the message on the node network, per session hop");

    public static readonly DelayKey BgpConnectDelay = new("control.bgp_connect_delay",
        "from a BGP session's reset (NOTIFICATION Cease) to BIRD connecting again: its connect delay time; OPEN and KEEPALIVE follow at once");

    public static readonly DelayKey BgpErrorWait = new("control.bgp_error_wait",
        "after a BGP session failed (hold timer, BFD), how long BIRD waits before restarting the protocol (its error wait time, the first of a run)");
    public static readonly DelayKey BgpConnectRetry = new("control.bgp_connect_retry",
        "between BIRD's attempts to connect a BGP session whose peer does not answer (its connect retry time)");
    public static readonly DelayKey FelixApplyInterval = new("control.felix_apply_interval",
        "Calico Felix's dataplane apply throttle: after a burst of applies that emptied its bucket, one more apply each interval");
    public static readonly DelayKey CiliumPolicyRegeneration = new("control.cilium_policy_regeneration",
        "the Cilium agent (or Calico's eBPF dataplane) from a policy or endpoint change to the endpoints' policy maps written (policy computation, map sync)");
    public static readonly DelayKey PolicyMapUpdatePerEntry = new("control.policy_map_update_per_entry",
        "an eBPF dataplane writing one policy map entry (bpf(BPF_MAP_UPDATE_ELEM)) when it regenerates an endpoint's policy");

    public static readonly DelayKey ControlCpuSlice = new("control.cpu_slice",
        "how long a CPU-bound control-plane process (iptables-restore, nft, an agent's writes) runs on a core before the work queued behind it gets the core");

    public static readonly DelayKey PodScheduling = new("control.pod_scheduling",
        "from a pod's creation (ReplicaSet controller) to its binding to a node: the scheduler's queue, filtering and scoring, the bind");
    public static readonly DelayKey PodSandboxStart = new("control.pod_sandbox_start",
        "the container runtime starting a pod's sandbox (containerd, its shim and runc: the pause process in new namespaces), before the CNI ADD");
    public static readonly DelayKey CniAdd = new("control.cni_add",
        "one CNI ADD: netns, veth pair, addresses and routes, IPAM allocation; the pod's network exists when it returns");
    public static readonly DelayKey FelixEndpointProgramming = new("control.felix_endpoint_programming",
        "Calico Felix's iptables dataplane programming a new endpoint after CNI ADD: its route and one iptables-restore of the workload's chains");
    public static readonly DelayKey BpfEndpointRegeneration = new("control.bpf_endpoint_regeneration",
        "an eBPF agent (cilium-agent, Calico's eBPF Felix) programming a new endpoint after CNI ADD: its tc programs loaded and attached, its maps written");
    public static readonly DelayKey ContainerStart = new("control.container_start",
        "from the sandbox's network to the application container running and listening: the runtime creating and starting it in the sandbox's namespaces (image already on the node)");
    public static readonly DelayKey ReadinessDelay = new("control.readiness_delay",
        "from the containers running to the pod's Ready condition (its readiness probe's first success), when the scenario names none");
    public static readonly DelayKey IptablesRestoreFixed = new("control.iptables_restore_fixed",
        "one iptables-restore run of kube-proxy's sync, whatever the table size: process start, table fetch and commit");
    public static readonly DelayKey IptablesRestorePerRule = new("control.iptables_restore_per_rule",
        "iptables-restore of kube-proxy's whole nat table: each rule parsed, translated and committed");
    public static readonly DelayKey IptablesRestorePerRuleSquared = new("control.iptables_restore_per_rule_squared",
        "iptables-restore's cost that grows with the square of the table (per rule, per rule already in it), as measured on iptables-nft");
    public static readonly DelayKey NftTransaction = new("control.nft_transaction",
        "one nft -f transaction of kube-proxy's nftables mode (one per sync, however many Services changed): process start, netlink batch, commit");
    public static readonly DelayKey NftListPerRule = new("control.nft_list_per_rule",
        "nft reads the table a transaction changes into its cache first: per rule in kube-proxy's table");
    public static readonly DelayKey IpvsServiceUpdate = new("control.ipvs_service_update",
        "kube-proxy's IPVS mode: one virtual server with its real servers added or changed over netlink");
    public static readonly DelayKey BpfMapUpdate = new("control.bpf_map_update",
        "an eBPF Service proxy: one Service's frontend and backend map entries written with bpf(BPF_MAP_UPDATE_ELEM)");

    private static readonly Dictionary<string, DelayKey> ByName = new(StringComparer.Ordinal)
    {
        [NicTxLatency.Name] = NicTxLatency,
        [NicRxLatency.Name] = NicRxLatency,
        [NicRxCoalescing.Name] = NicRxCoalescing,
        [SwitchForwarding.Name] = SwitchForwarding,
        [SriovEswitch.Name] = SriovEswitch,
        [DnsUpstream.Name] = DnsUpstream,
        [NodeMonitorGracePeriod.Name] = NodeMonitorGracePeriod,
        [KubeProxyMinSyncPeriod.Name] = KubeProxyMinSyncPeriod,
        [BgpHoldTime.Name] = BgpHoldTime,
        [MemberlistProbeInterval.Name] = MemberlistProbeInterval,
        [MemberlistSuspicionTimeout.Name] = MemberlistSuspicionTimeout,
        [MetalLbRejoinPeriod.Name] = MetalLbRejoinPeriod,
        [BgpUpdateDelay.Name] = BgpUpdateDelay,
        [BgpConnectDelay.Name] = BgpConnectDelay,
        [BgpErrorWait.Name] = BgpErrorWait,
        [BgpConnectRetry.Name] = BgpConnectRetry,
        [FelixApplyInterval.Name] = FelixApplyInterval,
        [CiliumPolicyRegeneration.Name] = CiliumPolicyRegeneration,
        [PolicyMapUpdatePerEntry.Name] = PolicyMapUpdatePerEntry,
        [ControlCpuSlice.Name] = ControlCpuSlice,
        [PodScheduling.Name] = PodScheduling,
        [PodSandboxStart.Name] = PodSandboxStart,
        [CniAdd.Name] = CniAdd,
        [FelixEndpointProgramming.Name] = FelixEndpointProgramming,
        [BpfEndpointRegeneration.Name] = BpfEndpointRegeneration,
        [ContainerStart.Name] = ContainerStart,
        [ReadinessDelay.Name] = ReadinessDelay,
        [IptablesRestoreFixed.Name] = IptablesRestoreFixed,
        [IptablesRestorePerRule.Name] = IptablesRestorePerRule,
        [IptablesRestorePerRuleSquared.Name] = IptablesRestorePerRuleSquared,
        [NftTransaction.Name] = NftTransaction,
        [NftListPerRule.Name] = NftListPerRule,
        [IpvsServiceUpdate.Name] = IpvsServiceUpdate,
        [BpfMapUpdate.Name] = BpfMapUpdate,
    };

    /// <summary>All keys, in name order.</summary>
    public static IReadOnlyList<DelayKey> All { get; } =
        ByName.Values.OrderBy(k => k.Name, StringComparer.Ordinal).ToArray();

    public static bool TryGet(string name, out DelayKey key) => ByName.TryGetValue(name, out key!);
}
