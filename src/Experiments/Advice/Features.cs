namespace NetSim.Experiments.Advice;

/// <summary>The features the matrix holds for every datapath, and the values the advisor reasons with.</summary>
public static class Features
{
    public const string PodNetwork = "pod_network";
    public const string Policy = "policy";
    public const string Encryption = "encryption";
    public const string Ebpf = "ebpf";
    public const string KubeProxyReplacement = "kube_proxy_replacement";
    public const string Overlay = "overlay";
    public const string Underlay = "underlay";
    public const string Cloud = "cloud";
    public const string Observability = "observability";
    public const string AuditLogging = "audit_logging";
    public const string Complexity = "complexity";

    public static readonly IReadOnlyList<string> All =
        [PodNetwork, Policy, Encryption, Ebpf, KubeProxyReplacement, Overlay, Underlay, Cloud, Observability, AuditLogging, Complexity];

    /// <summary>The values each feature may take (the matrix is checked against them when it loads).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Values = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [PodNetwork] = ["yes", "no"],
        [Policy] = ["none", "kubernetes", "calico", "cilium"],
        [Encryption] = ["none", "wireguard", "wireguard+ipsec"],
        [Ebpf] = ["yes", "no"],
        [KubeProxyReplacement] = ["yes", "no"],
        [Overlay] = ["none", "vxlan", "ipip", "geneve"],
        [Underlay] = ["any-ip", "l2", "l2-or-bgp", "aws-vpc"],
        [Cloud] = ["yes", "limited", "no"],
        [Observability] = ["none", "flow-logs", "hubble"],
        [AuditLogging] = ["yes", "no"],
        [Complexity] = ["low", "medium", "high"],
    };
}
