namespace NetSim.Topologies.KubeProxy;

/// <summary>The rule shapes kube-proxy's nftables table uses (each one line of "nft list table ip kube-proxy").</summary>
public enum NftRuleKind
{
    /// <summary>"[ct state new] jump CHAIN".</summary>
    Jump,
    /// <summary>"goto CHAIN".</summary>
    Goto,
    /// <summary>"ip daddr . meta l4proto . th dport vmap @service-ips".</summary>
    ServiceIpsMap,
    /// <summary>"fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports".</summary>
    ServiceNodePortsMap,
    /// <summary>"ip daddr . meta l4proto . th dport vmap @no-endpoint-services".</summary>
    NoEndpointServicesMap,
    /// <summary>"fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports".</summary>
    NoEndpointNodePortsMap,
    /// <summary>"ip daddr . meta l4proto . th dport vmap @firewall-ips".</summary>
    FirewallIpsMap,
    /// <summary>"ip daddr CLUSTERIP PROTO dport PORT [ip saddr != CLUSTERCIDR] jump mark-for-masquerade".</summary>
    MasqueradeClusterIp,
    /// <summary>"ip saddr ENDPOINT jump mark-for-masquerade" (hairpin).</summary>
    SourceAddressJump,
    /// <summary>"ip saddr CLUSTERCIDR goto CHAIN" (short-circuit pod traffic).</summary>
    SourcePrefixGoto,
    /// <summary>"fib saddr type local jump CHAIN".</summary>
    LocalSourceJump,
    /// <summary>"fib saddr type local goto CHAIN".</summary>
    LocalSourceGoto,
    /// <summary>"ip saddr @affinity-X goto endpoint-X".</summary>
    AffinityGoto,
    /// <summary>"update @affinity-X { ip saddr }".</summary>
    AffinityUpdate,
    /// <summary>"numgen random mod N vmap { 0 : goto endpoint-a , ... }".</summary>
    Numgen,
    /// <summary>"meta l4proto PROTO dnat to IP:PORT".</summary>
    Dnat,
    /// <summary>"mark set mark or MARK".</summary>
    MarkOr,
    /// <summary>"mark and MARK == 0 return".</summary>
    MarkClearReturn,
    /// <summary>"mark set mark xor MARK".</summary>
    MarkXor,
    /// <summary>"masquerade fully-random".</summary>
    Masquerade,
    /// <summary>"reject".</summary>
    Reject,
}
