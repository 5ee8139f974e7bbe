namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// The CNI datapath by its short name (<see cref="DatapathNames"/>), finer options, and optionally a real CNI
/// conflist file to read the configuration from.
/// </summary>
public sealed record CniSpec(
    string Datapath,
    int Mtu,
    int VxlanPort,
    int Vni,
    string IpipMode,
    int BlockSize,
    string BgpTopology,
    IReadOnlyList<string> RouteReflectors,
    bool KubeProxyReplacement,
    bool HostRoutingBpf,
    bool Conntrack,
    string? ConflistFile,
    bool Encryption)
{
    /// <summary>The conflist file's text (placeholders not yet filled in), or null for the datapath's default.</summary>
    public string? ConflistText { get; init; }

    /// <summary>With <c>Encryption</c>: <c>wireguard</c> or <c>ipsec</c> (<see cref="NodeEncryptionKinds"/>).</summary>
    public string EncryptionType { get; init; } = NodeEncryptionKinds.WireGuard;

    /// <summary>The aws-vpc-cni datapath's settings (cni.aws); null for every other datapath.</summary>
    public AwsVpcCniSpec? Aws { get; init; }

    /// <summary>cni.policy_agent: "" (the datapath's own agent, if any) or "canal" (calico-node's Felix on a flannel-* datapath).</summary>
    public string PolicyAgent { get; init; } = "";

    public const string CanalAgent = "canal";

    /// <summary>
    /// The CNI masquerades pod traffic leaving the cluster to the node's address: Flannel's --ip-masq (kube-flannel.yml
    /// passes it), Calico's natOutgoing on the default IPv4 pool (CALICO_IPV4POOL_NAT_OUTGOING, default true), Cilium's
    /// enable-ipv4-masquerade (default true; in eBPF when host routing is eBPF, else iptables). Other datapaths have their
    /// own switch (bridge/ptp: the conflist's ipMasq; aws-vpc-cni: aws.external_snat) and ignore this one. NetSim turns
    /// it on by default only when the scenario has cluster.external_network (the real CNIs' default is on).
    /// </summary>
    public bool Masquerade { get; init; }
}
