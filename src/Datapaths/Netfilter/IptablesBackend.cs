namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// Which kernel subsystem evaluates a namespace's iptables rules, as the iptables binary that programmed them chose.
/// The rules and their order are the same; what a tested rule costs is not.
/// </summary>
public enum IptablesBackend
{
    /// <summary>
    /// iptables-legacy: x_tables. ipt_do_table walks the table's rule blob; ip_packet_match compares a rule's
    /// addresses, masks and protocol inline, and only a rule that gets past them calls its matches. Each rule tested
    /// pays <c>netfilter.rule</c>.
    /// </summary>
    Legacy,

    /// <summary>
    /// iptables-nft: nf_tables. Each iptables rule is a list of nft expressions (payload loads and compares for the
    /// addresses, protocol and ports; xt matches and targets without a native form run through nft_compat) that
    /// nft_do_chain evaluates one by one through their ops until one fails. Each rule tested pays <c>nftables.rule</c>.
    /// </summary>
    Nft,
}
