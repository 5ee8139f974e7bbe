using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Felix's natOutgoing for an IP pool (the default pool has it: CALICO_IPV4POOL_NAT_OUTGOING defaults to true): nat
/// POSTROUTING feeds cali-POSTROUTING, which jumps to cali-nat-outgoing, whose one rule masquerades traffic from a
/// natOutgoing pool (ipset cali40masq-ipam-pools, src) to anywhere outside every pool (cali40all-ipam-pools, dst): two
/// hash:net tests per new connection (felix/rules/nat.go, makeNATOutgoingRuleIPTables). In the eBPF dataplane the
/// programs decide instead (CALI_ST_NAT_OUTGOING), let such a packet through to the host stack with the mark
/// MarkSeenNATOutgoing, and the rule matches that mark (makeNATOutgoingRuleBPF).
/// </summary>
public static class CalicoNatOutgoing
{
    public const string Chain = "cali-nat-outgoing";
    public const string MasqPools = "cali40masq-ipam-pools", AllPools = "cali40all-ipam-pools";

    /// <summary>tcdefs.MarkSeenNATOutgoing and its mask (MarkSeenBypass | 0x00800000 under 0x03f00000).</summary>
    public const uint SeenNatOutgoingMark = 0x3800000, SeenNatOutgoingMask = 0x3f00000;

    public static void Install(BuiltNode node, Ipv4Prefix pool, bool bpf)
    {
        var nat = node.Host.Netfilter.Nat;
        var post = IptablesFeeders.Feed(nat, NfInetHook.PostRouting, "cali-POSTROUTING", CalicoFelixIptables.FeederComment);
        var chain = nat.GetOrCreateChain(Chain);
        post.Append(new IptRule { Target = StandardTarget.Jump(nat.GetOrCreateChain("cali-fip-snat")) });
        post.Append(new IptRule { Target = StandardTarget.Jump(chain) });
        if (bpf)
        {
            chain.Append(new IptRule { Matches = [new MarkMatch(SeenNatOutgoingMark, SeenNatOutgoingMask)], Target = new MasqueradeTarget(), Comment = "cali:nat-outgoing" });
            return;
        }
        var masq = new IpSet(MasqPools, IpSetType.HashNet);
        masq.AddNet(pool);
        var all = new IpSet(AllPools, IpSetType.HashNet);
        all.AddNet(pool);
        chain.Append(new IptRule
        {
            Matches = [new IpSetMatch(masq) { MatchSource = true, ChargeLookup = true }, new IpSetMatch(all) { Invert = true, ChargeLookup = true }],
            Target = new MasqueradeTarget(),
            Comment = "cali:nat-outgoing",
        });
    }

    /// <summary>Whether the eBPF programs hand this packet to the host stack for SNAT: from the pool to outside every pool.</summary>
    public static bool Applies(Ipv4Prefix pool, Ipv4Address source, Ipv4Address destination) => pool.Contains(source) && !pool.Contains(destination);
}
