namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// A function registered at a netfilter hook (struct nf_hook_ops): an iptables table, conntrack, NAT, defrag — or
/// later an IPVS or nftables hook. Functions run in priority order; the first non-ACCEPT verdict ends the hook.
/// </summary>
public interface INetfilterHook
{
    /// <summary>True when this function has rules attached at <paramref name="hook"/> (entering the hook then costs <c>netfilter.hook</c>).</summary>
    bool HasRules(NfInetHook hook);

    /// <summary>Processes the packet in <paramref name="state"/>; adds its cost and rule count there; returns the verdict.</summary>
    NfVerdict Hook(ref NfHookState state);
}
