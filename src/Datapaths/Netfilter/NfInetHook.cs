namespace NetSim.Datapaths.Netfilter;

/// <summary>The five IPv4 netfilter hooks (enum nf_inet_hooks), in the order a forwarded packet meets them.</summary>
public enum NfInetHook
{
    /// <summary>NF_INET_PRE_ROUTING: every packet arriving, before the routing decision.</summary>
    PreRouting = 0,
    /// <summary>NF_INET_LOCAL_IN ("INPUT"): packets for this namespace, after routing.</summary>
    LocalIn = 1,
    /// <summary>NF_INET_FORWARD: packets routed through this namespace.</summary>
    Forward = 2,
    /// <summary>NF_INET_LOCAL_OUT ("OUTPUT"): locally generated packets, after their route lookup.</summary>
    LocalOut = 3,
    /// <summary>NF_INET_POST_ROUTING: every packet leaving, just before neighbour output.</summary>
    PostRouting = 4,
}
