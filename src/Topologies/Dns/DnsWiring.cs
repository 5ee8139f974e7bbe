using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;

namespace NetSim.Topologies.Dns;

/// <summary>
/// Cluster DNS made real: a <see cref="CoreDnsServer"/> in every CoreDNS pod answering from the Services, and a
/// glibc stub resolver for each client, configured from the resolv.conf kubelet writes for dnsPolicy ClusterFirst
/// (nameserver the kube-dns ClusterIP, search NS.svc.DOMAIN svc.DOMAIN DOMAIN, options ndots:5); a client on a node
/// or outside the cluster gets the same nameserver and options with the cluster's search list.
/// </summary>
public sealed class DnsWiring
{
    private readonly DnsSpec _spec;

    public DnsWiring(BuiltCluster cluster, ServiceWiring services, TrafficWiring traffic)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(traffic);
        _spec = cluster.Context.Scenario.Dns;
        Zone = new DnsZone(_spec, Names, Answers, services.Registry);
        foreach (var pod in cluster.Pods.Where(p => p.Placed.Workload == DnsSpec.Workload && p.Placed.Namespace == DnsSpec.Namespace))
        {
            Servers.Add(new CoreDnsServer(traffic.Endpoint(pod), Zone, _spec, Tcp, cluster.Context.Random($"dns/{pod.Name}/loadbalance")));
        }
        if (!_spec.NodeLocal) return;
        foreach (var node in cluster.Nodes)
        {
            NodeLocalDns.Install(node);
            var at = new TrafficEndpoint($"{node.Name}/node-local-dns", traffic.Transport(node.Host), DnsSpec.NodeLocalAddress);
            NodeCaches.Add(new NodeLocalDnsCache(at, Zone, _spec, Tcp));
        }
    }

    /// <summary>NodeLocal DNSCache's per-node caches (none unless dns.node_local).</summary>
    public List<NodeLocalDnsCache> NodeCaches { get; } = new();

    /// <summary>Where DNS-over-TCP clients leave their message streams for CoreDNS's TCP side.</summary>
    public DnsTcpDirectory Tcp { get; } = new();

    public DnsNameTable Names { get; } = new();
    public DnsAnswerTable Answers { get; } = new();
    public DnsZone Zone { get; }
    public List<CoreDnsServer> Servers { get; } = new();

    /// <summary>The resolv.conf of a pod in <paramref name="podNamespace"/> with dnsPolicy ClusterFirst.</summary>
    public ResolvConf ResolvConfFor(string podNamespace)
    {
        string d = _spec.ClusterDomain;
        return new ResolvConf(_spec.NodeLocal ? DnsSpec.NodeLocalAddress : _spec.ClusterIp, [$"{podNamespace}.svc.{d}", $"svc.{d}", d], _spec.Ndots, _spec.Timeout, _spec.Attempts)
        {
            SingleRequest = _spec.SingleRequest,
            SingleRequestReopen = _spec.SingleRequestReopen,
            UseVc = _spec.UseVc,
        };
    }

    /// <summary>A client's resolver; its query ids come from its own random stream.</summary>
    public StubResolver Resolver(TrafficEndpoint client, string podNamespace, Random ids) =>
        new(client, ResolvConfFor(podNamespace), Names, Answers, ids, Tcp);
}
