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
    public static readonly DelayKey DnsUpstream = new("dns.upstream_latency",
        "the upstream resolver CoreDNS forwards a name outside the cluster to: its round trip and resolution, as a fixed delay");

    public static readonly DelayKey NodeMonitorGracePeriod = new("control.node_monitor_grace_period",
        "kube-controller-manager --node-monitor-grace-period: how long a node may be silent before the node lifecycle controller marks it NotReady");
    public static readonly DelayKey KubeProxyMinSyncPeriod = new("control.kube_proxy_min_sync_period",
        "kube-proxy minSyncPeriod: the wait between an endpoint change reaching kube-proxy and its rules being rewritten");
    public static readonly DelayKey BgpHoldTime = new("control.bgp_hold_time",
        "the BGP hold time: how long a speaker waits without a keepalive before it drops the session and withdraws the peer's routes");

    private static readonly Dictionary<string, DelayKey> ByName = new(StringComparer.Ordinal)
    {
        [NicTxLatency.Name] = NicTxLatency,
        [NicRxLatency.Name] = NicRxLatency,
        [NicRxCoalescing.Name] = NicRxCoalescing,
        [SwitchForwarding.Name] = SwitchForwarding,
        [DnsUpstream.Name] = DnsUpstream,
        [NodeMonitorGracePeriod.Name] = NodeMonitorGracePeriod,
        [KubeProxyMinSyncPeriod.Name] = KubeProxyMinSyncPeriod,
        [BgpHoldTime.Name] = BgpHoldTime,
    };

    /// <summary>All keys, in name order.</summary>
    public static IReadOnlyList<DelayKey> All { get; } =
        ByName.Values.OrderBy(k => k.Name, StringComparer.Ordinal).ToArray();

    public static bool TryGet(string name, out DelayKey key) => ByName.TryGetValue(name, out key!);
}
