namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// kube-proxy's mode (iptables, ipvs, nftables, ebpf replacement, or none), its IPVS scheduler, and the iptables
/// backend of the nodes (legacy x_tables or nf_tables through iptables-nft), which evaluates every iptables rule of
/// the nodes' host namespaces: kube-proxy's and the CNI's.
/// </summary>
public sealed record KubeProxySpec(string Mode, string IpvsScheduler, bool MasqueradeAll, string IptablesBackend = KubeProxySpec.DefaultIptablesBackend)
{
    public static readonly string[] Modes = ["iptables", "ipvs", "nftables", "ebpf", "none"];
    public static readonly string[] IpvsSchedulers = ["rr", "lc", "dh", "sh", "sed", "nq"];
    public static readonly string[] IptablesBackends = ["legacy", "nft"];

    /// <summary>
    /// nft: the iptables of today's distributions (Debian since 10, RHEL since 8, Arch, Bottlerocket's Kubernetes
    /// 1.34 variants) programs nf_tables, and kube-proxy's image follows the host (kubernetes-sigs/iptables-wrappers);
    /// docs/sources.md §3c.
    /// </summary>
    public const string DefaultIptablesBackend = "nft";

    /// <summary>The Datapaths backend the nodes' host namespaces use.</summary>
    public Datapaths.Netfilter.IptablesBackend Backend =>
        IptablesBackend == "legacy" ? Datapaths.Netfilter.IptablesBackend.Legacy : Datapaths.Netfilter.IptablesBackend.Nft;
}
