using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Calico's eBPF dataplane always does the Services in its own tc programs. Its guide has kube-proxy turned off, and
/// where that cannot be done kube-proxy may keep running in iptables (or nftables) mode, its chains unused (Felix's
/// BPFKubeProxyIptablesCleanupEnabled); kube-proxy in IPVS mode is not supported with it
/// (docs.tigera.io/calico/latest/operations/ebpf/enabling-ebpf, "Configure kube-proxy"). So calico-ebpf with
/// kube_proxy.mode ipvs is refused before any simulation.
/// </summary>
public static class CalicoEbpfKubeProxy
{
    public static void Check(KubeProxySpec kubeProxy, CniSpec cni, YamlMap top)
    {
        if (cni.Datapath != DatapathNames.CalicoEbpf || kubeProxy.Mode != "ipvs") return;
        throw (top.OptionalMap("kube_proxy") ?? top).Error("mode",
            "'ipvs' is not supported with calico-ebpf: Calico's eBPF dataplane does not support kube-proxy in IPVS mode (docs.tigera.io/calico/latest/operations/ebpf/enabling-ebpf); use ebpf, iptables, nftables or none");
    }

    /// <summary>Calico's eBPF programs translate the Services whenever there is a proxy at all, whatever kube-proxy's mode.</summary>
    public static string ServiceProxyMode(Scenario s) =>
        s.Cni.Datapath == DatapathNames.CalicoEbpf && s.KubeProxy.Mode != "none" ? "ebpf" : s.KubeProxy.Mode;
}
