namespace NetSim.Datapaths.Conntrack;

/// <summary>Whether a namespace tracks connections.</summary>
public enum ConntrackMode
{
    /// <summary>
    /// The kernel's behaviour: conntrack hooks are registered in a namespace only once something needs them
    /// (a nat-table rule or a conntrack-state match; nf_ct_netns_get), so a plain pod namespace pays nothing.
    /// </summary>
    Auto,
    /// <summary>Always track (e.g. the conntrack module and hooks loaded by a firewall).</summary>
    On,
    /// <summary>Never track: every packet is UNTRACKED and iptables NAT does nothing (Cilium's "no conntrack" mode, a blanket NOTRACK).</summary>
    Off,
}
