namespace NetSim.Topologies.Scenarios.Model;

/// <summary>kube-proxy's mode (iptables, ipvs, nftables, ebpf replacement, or none) and its IPVS scheduler.</summary>
public sealed record KubeProxySpec(string Mode, string IpvsScheduler, bool MasqueradeAll)
{
    public static readonly string[] Modes = ["iptables", "ipvs", "nftables", "ebpf", "none"];
    public static readonly string[] IpvsSchedulers = ["rr", "lc", "dh", "sh", "sed", "nq"];
}
