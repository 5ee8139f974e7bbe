using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// A base chain of kube-proxy's nftables table registered at a netfilter hook. A "type nat" chain only sees the
/// first packet of a connection, before its translation of this kind is decided (nf_nat_inet_fn); later packets
/// are translated by conntrack alone. It is registered one priority step before the iptables nat table of the
/// same hook, because in the kernel both are lookup functions inside one nf_nat hook that binds once.
/// </summary>
internal sealed class NftBaseChainHook(NftTable table, NftChain chain, NatManipType? natManip) : INetfilterHook
{
    public NftChain Chain => chain;

    public bool HasRules(NfInetHook hook) => chain.Rules.Count > 0;

    public NfVerdict Hook(ref NfHookState state)
    {
        if (natManip is { } manip)
        {
            if (state.Packet.Conntrack is not ConntrackRef { Entry: { } e, Related: false } r || r.Info != ConntrackInfo.New || e.NatInitialized(manip))
                return NfVerdict.Accept;
        }
        return table.Run(chain, ref state);
    }

    public override string ToString() => $"nft {chain.Name}";
}
