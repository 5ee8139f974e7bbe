using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// Cluster DNS (the scenario's "dns"): CoreDNS pods behind the kube-dns Service in kube-system, the Corefile's
/// cache, and every pod's resolv.conf as kubelet writes it for dnsPolicy ClusterFirst. Present when the scenario
/// has a "dns" section or traffic that resolves names. Defaults and their sources: scenarios/README.md, "dns".
/// </summary>
public sealed record DnsSpec(
    bool Enabled,
    int Replicas,
    Ipv4Address ClusterIp,
    string ClusterDomain,
    bool Cache,
    SimTime CacheTtl,
    SimTime RecordTtl,
    int Ndots,
    SimTime Timeout,
    int Attempts,
    bool SingleRequest,
    bool SingleRequestReopen,
    string Upstream)
{
    /// <summary>NodeLocal DNSCache: a node-local-dns cache on <see cref="NodeLocalAddress"/> of every node, pods' nameserver.</summary>
    public bool NodeLocal { get; init; }

    /// <summary>resolv.conf options use-vc: every lookup over TCP (a connection per name tried).</summary>
    public bool UseVc { get; init; }

    /// <summary>CoreDNS closes a TCP connection idle this long after an answer (its server's idle timeout, 10 s).</summary>
    public SimTime TcpIdleTimeout { get; init; } = SimTime.FromSeconds(10);

    /// <summary>CoreDNS closes a TCP connection that sends no query this long after accept (its server's read timeout, 3 s).</summary>
    public SimTime TcpReadTimeout { get; init; } = SimTime.FromSeconds(3);

    /// <summary>The link-local address the NodeLocal DNSCache add-on's manifests use (169.254.20.10).</summary>
    public static readonly Ipv4Address NodeLocalAddress = new(0xA9FE140A);

    /// <summary>kubeadm's kube-dns address: the tenth address of the Service CIDR (10.96.0.10 in 10.96.0.0/12).</summary>
    public const int ClusterIpIndex = 10;
    /// <summary>The kube-system namespace, CoreDNS's Deployment and the kube-dns Service, as kubeadm names them.</summary>
    public const string Namespace = "kube-system", Workload = "coredns", Service = "kube-dns";
    public const string UpstreamAnswer = "answer", UpstreamNxdomain = "nxdomain";

    /// <summary>Every field at its default (scenarios/README.md, "dns").</summary>
    public static DnsSpec Default(Ipv4Address clusterIp, bool enabled) =>
        new(enabled, 2, clusterIp, "cluster.local", true, SimTime.FromSeconds(30), SimTime.FromSeconds(5), 5, SimTime.FromSeconds(5), 2, false, false, UpstreamAnswer);
}
