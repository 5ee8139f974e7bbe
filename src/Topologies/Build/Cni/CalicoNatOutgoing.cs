using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Felix's natOutgoing for an IP pool (the default pool has it: CALICO_IPV4POOL_NAT_OUTGOING defaults to true): nat
/// POSTROUTING feeds cali-POSTROUTING, which jumps to cali-nat-outgoing, whose one rule masquerades (--random-fully)
/// traffic from a natOutgoing pool (ipset cali40masq-ipam-pools, src) to anywhere outside every pool
/// (cali40all-ipam-pools, dst): two hash:net tests per new connection. The eBPF dataplane leaves the same packets
/// to this rule: its programs mark them CALI_ST_NAT_OUTGOING and let them through to the host stack.
/// </summary>
public static class CalicoNatOutgoing
{
    public const string Chain = "cali-nat-outgoing";
    public const string MasqPools = "cali40masq-ipam-pools", AllPools = "cali40all-ipam-pools";

    public static void Install(BuiltNode node, Ipv4Prefix pool)
    {
        var nat = node.Host.Netfilter.Nat;
        var post = IptablesFeeders.Feed(nat, NfInetHook.PostRouting, "cali-POSTROUTING", CalicoFelixIptables.FeederComment);
        var chain = nat.GetOrCreateChain(Chain);
        post.Append(new IptRule { Target = StandardTarget.Jump(nat.GetOrCreateChain("cali-fip-snat")) });
        post.Append(new IptRule { Target = StandardTarget.Jump(chain) });
        var masq = new IpSet(MasqPools, IpSetType.HashNet);
        masq.AddNet(pool);
        var all = new IpSet(AllPools, IpSetType.HashNet);
        all.AddNet(pool);
        chain.Append(new IptRule
        {
            Matches = [new IpSetMatch(masq) { MatchSource = true, ChargeLookup = true }, new IpSetMatch(all) { Invert = true, ChargeLookup = true }],
            Target = new MasqueradeTarget(flags: NatRangeOptions.RandomFully),
            Comment = "cali:nat-outgoing",
        });
    }

    /// <summary>Whether the eBPF programs hand this packet to the host stack for SNAT: from the pool to outside every pool.</summary>
    public static bool Applies(Ipv4Prefix pool, Ipv4Address source, Ipv4Address destination) => pool.Contains(source) && !pool.Contains(destination);
}
