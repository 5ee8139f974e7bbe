namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// What __nf_conntrack_confirm does with a new connection whose tuple another packet confirmed first (two packets
/// of one new UDP flow processed at once: glibc's parallel A and AAAA queries).
/// </summary>
public enum ConntrackClash
{
    /// <summary>Before Linux 4.19: the later packet is dropped (insert_failed), even when both entries are identical.</summary>
    Drop,
    /// <summary>
    /// Linux 4.19 (ed07d9a021df, "netfilter: nf_conntrack: resolve clash for matching conntracks"): an identical entry (same NAT
    /// binding) is merged and the packet passes; a different NAT binding (DNAT chose another backend) is still dropped.
    /// </summary>
    Matching,
    /// <summary>
    /// Linux 5.6 (6a757c07e51f, "netfilter: conntrack: allow insertion of clashing entries"): a clashing UDP entry with another NAT
    /// binding is inserted by its reply tuple as well, so the packet passes and its reply is un-NATed.
    /// </summary>
    Insert,
}
