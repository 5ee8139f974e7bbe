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

    private static readonly Dictionary<string, DelayKey> ByName = new(StringComparer.Ordinal)
    {
        [NicTxLatency.Name] = NicTxLatency,
        [NicRxLatency.Name] = NicRxLatency,
        [NicRxCoalescing.Name] = NicRxCoalescing,
        [SwitchForwarding.Name] = SwitchForwarding,
        [DnsUpstream.Name] = DnsUpstream,
    };

    /// <summary>All keys, in name order.</summary>
    public static IReadOnlyList<DelayKey> All { get; } =
        ByName.Values.OrderBy(k => k.Name, StringComparer.Ordinal).ToArray();

    public static bool TryGet(string name, out DelayKey key) => ByName.TryGetValue(name, out key!);
}
