namespace NetSim.Testbed;

/// <summary>
/// One of iptables' two kernel backends: legacy (x_tables: ipt_do_table walks the chain's rules in order) or nft
/// (the same rules compiled to nf_tables bytecode by iptables-nft). Each loads a ruleset with its own
/// iptables-restore. <see cref="Name"/> is also the scenario's kube_proxy.iptables_backend that models it.
/// </summary>
public sealed record IptablesBackend(string Name, string RestoreCommand)
{
    public static readonly IptablesBackend Legacy = new("legacy", "iptables-legacy-restore");
    public static readonly IptablesBackend Nft = new("nft", "iptables-nft-restore");

    public static IReadOnlyList<IptablesBackend> All { get; } = [Legacy, Nft];
}
