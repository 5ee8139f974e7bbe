using NetSim.Datapaths.Namespaces;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// A Service proxy of one node (kube-proxy in one of its modes, or an eBPF replacement): programs the node's host
/// network namespace as the real proxier would from the Services and their endpoints. Calling <see cref="Sync"/>
/// again replaces what the previous sync installed (a full resync). Sync is instantaneous: the control-plane cost
/// of programming (iptables-restore time) is not modelled.
/// </summary>
public interface IServiceProxy
{
    /// <summary>"iptables", "ipvs", "nftables" or "ebpf".</summary>
    string Mode { get; }

    /// <summary>Programs <paramref name="hostNs"/> for <paramref name="services"/> (always the same namespace for one proxy).</summary>
    void Sync(NetworkNamespace hostNs, KubeProxyNodeConfig node, IReadOnlyList<ServicePort> services);

    /// <summary>Rules installed by the last sync (what the mode's own listing would count; see each mode).</summary>
    int RuleCount { get; }
}
