using NetSim.Engine.Core;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// How long one proxy sync takes on a node, by what each mode asks of the kernel: iptables mode rewrites its whole
/// nat table with one iptables-restore (so the cost grows with every rule, and on iptables-nft faster than linearly);
/// nftables mode sends one transaction per sync, which nft prepares by reading the table it changes into its cache; IPVS mode updates
/// each changed virtual server over netlink; an eBPF proxy writes each changed Service's map entries.
/// </summary>
public sealed record ProxySyncCosts(SimTime IptablesFixed, SimTime IptablesPerRule, SimTime IptablesPerRuleSquared, SimTime NftTransaction,
    SimTime NftListPerRule, SimTime IpvsServiceUpdate, SimTime BpfMapUpdate)
{
    public static readonly ProxySyncCosts Zero = new(SimTime.Zero, SimTime.Zero, SimTime.Zero, SimTime.Zero, SimTime.Zero, SimTime.Zero, SimTime.Zero);

    /// <summary>The sync's length for <paramref name="mode"/> with <paramref name="rules"/> in the table and <paramref name="changed"/> Service ports changed.</summary>
    public SimTime Duration(string mode, long rules, long changed) => mode switch
    {
        "iptables" => changed > 0 ? IptablesFixed + IptablesPerRule * rules + SquaredTerm(rules) : SimTime.Zero,
        "nftables" => changed > 0 ? NftTransaction + NftListPerRule * rules : SimTime.Zero,
        "ipvs" => IpvsServiceUpdate * changed,
        "ebpf" => BpfMapUpdate * changed,
        _ => SimTime.Zero,
    };

    // rules² overflows nothing at the table sizes kube-proxy reaches (10^6 rules: 10^12 × a few thousand ps).
    private SimTime SquaredTerm(long rules) => SimTime.FromPicoseconds((long)(IptablesPerRuleSquared.Picoseconds * (double)rules * rules));
}
