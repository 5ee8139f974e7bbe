using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dns;

/// <summary>
/// The cluster DNS add-on as kubeadm deploys it: a "coredns" Deployment in kube-system (label k8s-app=kube-dns,
/// container port 53 UDP and TCP) and the "kube-dns" Service selecting it at the Service CIDR's tenth address.
/// </summary>
public static class ClusterDns
{
    private static readonly IReadOnlyDictionary<string, string> Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["k8s-app"] = "kube-dns" };

    public static IReadOnlyList<WorkloadSpec> Workloads(Scenario s) => !s.Dns.Enabled ? [] :
    [
        new WorkloadSpec(DnsSpec.Workload, DnsSpec.Namespace, "Deployment", s.Dns.Replicas, Labels,
            [new PortSpec("dns", 53, "UDP"), new PortSpec("dns-tcp", 53, "TCP")], "spread", [], ["coredns"], false),
    ];

    public static IReadOnlyList<ServiceSpec> Services(Scenario s) => !s.Dns.Enabled ? [] :
    [
        new ServiceSpec(DnsSpec.Service, DnsSpec.Namespace, ServiceSpec.ClusterIP, Labels,
            [new ServicePortSpec("dns", 53, "53", 0, "UDP"), new ServicePortSpec("dns-tcp", 53, "53", 0, "TCP")],
            "None", ServiceSpec.DefaultAffinityTimeout, "Cluster", "Cluster"),
    ];

    /// <summary>
    /// Whether a name a client resolves leads to <paramref name="svc"/>: its name in the cluster domain
    /// (NAME.NS.svc.DOMAIN) or a leading part of it that the search list completes (NAME, NAME.NS, NAME.NS.svc).
    /// </summary>
    public static bool Names(ServiceSpec svc, string name, string domain)
    {
        string fqdn = $"{svc.Name}.{svc.Namespace}.svc.{domain}";
        string n = name.TrimEnd('.');
        return fqdn == n || (!name.EndsWith('.') && fqdn.StartsWith(n + ".", StringComparison.Ordinal));
    }

    public static bool IsKubeDns(ServiceSpec svc) => svc.Name == DnsSpec.Service && svc.Namespace == DnsSpec.Namespace;
}
