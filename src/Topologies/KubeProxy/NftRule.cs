using System.Globalization;
using System.Text;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One rule of kube-proxy's nftables table: its shape (<see cref="Kind"/>) and operands. Evaluated by
/// <see cref="NftTable"/>; <see cref="ToString"/> prints it as "nft list" would.
/// </summary>
public sealed class NftRule
{
    public NftRuleKind Kind { get; init; }
    /// <summary>The chain a jump/goto (or the matching rule) continues in.</summary>
    public NftChain? Target { get; init; }
    /// <summary>The endpoint chains of a numgen vmap, element i at index i.</summary>
    public IReadOnlyList<NftChain> Targets { get; init; } = [];
    /// <summary>"ct state new" before the verdict.</summary>
    public bool OnlyNew { get; init; }
    public Ipv4Address Address { get; init; }
    /// <summary>A source prefix (clusterCIDR); null for none (masquerade-all).</summary>
    public Ipv4Prefix? Prefix { get; init; }
    public ushort Port { get; init; }
    public byte Protocol { get; init; }
    public NftAffinitySet? Set { get; init; }
    public uint Mark { get; init; }

    public override string ToString()
    {
        var b = new StringBuilder();
        string proto = Protocol == 6 ? "tcp" : "udp";
        switch (Kind)
        {
            case NftRuleKind.Jump: b.Append(OnlyNew ? "ct state new jump " : "jump ").Append(Target!.Name); break;
            case NftRuleKind.Goto: b.Append("goto ").Append(Target!.Name); break;
            case NftRuleKind.ServiceIpsMap: b.Append("ip daddr . meta l4proto . th dport vmap @service-ips"); break;
            case NftRuleKind.ServiceNodePortsMap: b.Append("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"); break;
            case NftRuleKind.NoEndpointServicesMap: b.Append("ip daddr . meta l4proto . th dport vmap @no-endpoint-services"); break;
            case NftRuleKind.NoEndpointNodePortsMap: b.Append("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports"); break;
            case NftRuleKind.FirewallIpsMap: b.Append("ip daddr . meta l4proto . th dport vmap @firewall-ips"); break;
            case NftRuleKind.MasqueradeClusterIp:
                b.Append(CultureInfo.InvariantCulture, $"ip daddr {Address} {proto} dport {Port} ");
                if (Prefix is { } p) b.Append(CultureInfo.InvariantCulture, $"ip saddr != {p} ");
                b.Append("jump ").Append(Target!.Name);
                break;
            case NftRuleKind.SourceAddressJump: b.Append(CultureInfo.InvariantCulture, $"ip saddr {Address} jump {Target!.Name}"); break;
            case NftRuleKind.SourcePrefixGoto: b.Append(CultureInfo.InvariantCulture, $"ip saddr {Prefix} goto {Target!.Name}"); break;
            case NftRuleKind.LocalSourceJump: b.Append("fib saddr type local jump ").Append(Target!.Name); break;
            case NftRuleKind.LocalSourceGoto: b.Append("fib saddr type local goto ").Append(Target!.Name); break;
            case NftRuleKind.AffinityGoto: b.Append(CultureInfo.InvariantCulture, $"ip saddr @{Set!.Name} goto {Target!.Name}"); break;
            case NftRuleKind.AffinityUpdate: b.Append(CultureInfo.InvariantCulture, $"update @{Set!.Name} {{ ip saddr }}"); break;
            case NftRuleKind.Numgen:
                b.Append(CultureInfo.InvariantCulture, $"numgen random mod {Targets.Count} vmap {{ ");
                for (int i = 0; i < Targets.Count; i++)
                    b.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? ", " : "")}{i} : goto {Targets[i].Name}");
                b.Append(" }");
                break;
            case NftRuleKind.Dnat: b.Append(CultureInfo.InvariantCulture, $"meta l4proto {proto} dnat to {Address}:{Port}"); break;
            case NftRuleKind.MarkOr: b.Append(CultureInfo.InvariantCulture, $"mark set mark or 0x{Mark:x8}"); break;
            case NftRuleKind.MarkClearReturn: b.Append(CultureInfo.InvariantCulture, $"mark and 0x{Mark:x8} == 0 return"); break;
            case NftRuleKind.MarkXor: b.Append(CultureInfo.InvariantCulture, $"mark set mark xor 0x{Mark:x8}"); break;
            case NftRuleKind.Masquerade: b.Append("masquerade fully-random"); break;
            case NftRuleKind.Reject: b.Append("reject"); break;
        }
        return b.ToString();
    }
}
