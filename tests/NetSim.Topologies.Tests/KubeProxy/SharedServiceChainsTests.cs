using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>
/// Service ports without Local policies get the same chains on every node: written once, listed by each node's table
/// (copy-on-write per Service port). Ports with a Local policy keep chains of each node's own, and every node lists
/// as many rules as it would have written itself.
/// </summary>
public class SharedServiceChainsTests
{
    private static readonly Ipv4Prefix Cidr = Ipv4Prefix.Parse("10.0.0.0/8");

    private static KubeProxyNodeConfig Node(string name) => new(name, Ipv4Address.Parse("192.168.0.2"), Cidr);

    private static NetworkNamespace HostNs() => new(new ProxyBed().Node("n"), "host");

    private static ServicePort Svc(string name, string ip, bool etpLocal = false, bool affinity = false, ushort nodePort = 30080) =>
        new("ns1", name, "p80", Ipv4Header.ProtocolTcp, Ipv4Address.Parse(ip), 80, nodePort,
            [new ServiceEndpoint(Ipv4Address.Parse("10.180.0.1"), 80, "a"), new ServiceEndpoint(Ipv4Address.Parse("10.180.0.2"), 80, "b")],
            affinity, ServicePort.DefaultAffinityTimeoutSeconds, etpLocal, false);

    private static readonly ServicePort[] Services = [Svc("cluster", "172.30.0.1", affinity: true), Svc("local", "172.30.0.2", etpLocal: true)];

    [Fact]
    public void Iptables_nodes_list_one_copy_of_the_cluster_policy_chains_and_their_own_local_ones()
    {
        NetworkNamespace a = HostNs(), b = HostNs();
        var pa = new KubeProxyIptables();
        var pb = new KubeProxyIptables();
        pa.Sync(a, Node("a"), Services);
        pb.Sync(b, Node("b"), Services);
        string svc = KubeProxyChainNames.Svc(Services[0]), sep = KubeProxyChainNames.Sep(Services[0], Services[0].Endpoints[0]);
        Assert.Same(a.Netfilter.Nat[svc], b.Netfilter.Nat[svc]);
        Assert.Same(a.Netfilter.Nat[sep], b.Netfilter.Nat[sep]);
        Assert.Same(a.Netfilter.Nat["KUBE-MARK-MASQ"], b.Netfilter.Nat["KUBE-MARK-MASQ"]);
        Assert.NotSame(a.Netfilter.Nat["KUBE-SERVICES"], b.Netfilter.Nat["KUBE-SERVICES"]);
        string ext = "KUBE-SVL-" + KubeProxyChainNames.Svl(Services[1])["KUBE-SVL-".Length..];
        Assert.NotSame(a.Netfilter.Nat[ext], b.Netfilter.Nat[ext]); // Local policy: each node's own
        Assert.NotNull(b.Netfilter.Recent(sep)); // the affinity list the shared rules name exists on every node
        Assert.Equal(pa.RuleCount, pb.RuleCount);
        Assert.Equal(pa.RuleCount, a.Netfilter.Nat.Chains.Concat(a.Netfilter.Filter.Chains).Sum(c => c.Rules.Count));
    }

    [Fact]
    public void Nftables_nodes_list_one_copy_of_the_cluster_policy_chains_and_their_own_local_ones()
    {
        NetworkNamespace a = HostNs(), b = HostNs();
        var pa = new KubeProxyNftables();
        var pb = new KubeProxyNftables();
        pa.Sync(a, Node("a"), Services);
        pb.Sync(b, Node("b"), Services);
        string cluster = "service-" + KubeProxyChainNames.NftServiceBase(Services[0]), local = "external-" + KubeProxyChainNames.NftServiceBase(Services[1]);
        Assert.True(pa.Table!.TryGetChain(cluster, out NftChain ca));
        Assert.True(pb.Table!.TryGetChain(cluster, out NftChain cb));
        Assert.Same(ca, cb);
        Assert.True(pa.Table.TryGetChain(local, out NftChain la));
        Assert.True(pb.Table.TryGetChain(local, out NftChain lb));
        Assert.NotSame(la, lb);
        string affinity = "affinity-" + KubeProxyChainNames.NftEndpointBase(Services[0], Services[0].Endpoints[0]);
        Assert.NotNull(pa.Table.Elements(affinity));
        Assert.NotSame(pa.Table.Elements(affinity), pb.Table.Elements(affinity)); // each node's own clients
        Assert.Equal(pa.RuleCount, pb.RuleCount);
    }

    [Fact]
    public void Ipvs_nodes_list_the_cluster_policy_virtual_services_and_keep_their_own_state_of_them()
    {
        NetworkNamespace a = HostNs(), b = HostNs();
        var pa = new KubeProxyIpvs();
        var pb = new KubeProxyIpvs();
        pa.Sync(a, Node("a"), Services);
        pb.Sync(b, Node("b"), Services);
        Assert.Equal(2, pa.Table.Count);
        Assert.Equal(1, pa.Table.OwnCount); // the Local policy's virtual service; the namespace has no address for NodePorts
        Assert.True(pa.Table.TryGet(Services[0].ClusterFrontend, out IpvsVirtualServer va));
        Assert.True(pb.Table.TryGet(Services[0].ClusterFrontend, out IpvsVirtualServer vb));
        Assert.NotSame(va, vb); // scheduler position, templates and connections are each node's
        Assert.NotSame(va.Destinations[0], vb.Destinations[0]);
        Assert.True(pa.Table.TryGet(Services[0].ClusterFrontend, out IpvsVirtualServer again));
        Assert.Same(va, again);
        Assert.True(va.PersistencePs > 0);
        Assert.Equal(["10.180.0.1", "10.180.0.2"], va.Destinations.Select(d => d.Address.ToString()));
    }

    [Fact]
    public void An_ipvs_virtual_service_keeps_its_state_when_its_port_moves_between_own_and_listed()
    {
        NetworkNamespace a = HostNs();
        var p = new KubeProxyIpvs();
        ServicePort local = Svc("moving", "172.30.0.9", etpLocal: true), cluster = Svc("moving", "172.30.0.9");
        p.Sync(a, Node("a"), [local]);
        Assert.Equal(1, p.Table.OwnCount);
        Assert.True(p.Table.TryGet(local.ClusterFrontend, out IpvsVirtualServer own));
        p.Sync(a, Node("a"), [cluster]);
        Assert.Equal(0, p.Table.OwnCount);
        Assert.True(p.Table.TryGet(cluster.ClusterFrontend, out IpvsVirtualServer listed));
        Assert.Same(own, listed);
        p.Sync(a, Node("a"), [local]);
        Assert.True(p.Table.TryGet(local.ClusterFrontend, out IpvsVirtualServer back));
        Assert.Same(own, back);
        p.Sync(a, Node("a"), []);
        Assert.Equal(0, p.Table.Count);
        Assert.False(p.Table.TryGet(local.ClusterFrontend, out _));
    }

    [Fact]
    public void Ebpf_nodes_read_the_cluster_policy_frontends_from_one_map_and_write_their_local_ones()
    {
        NetworkNamespace a = HostNs(), b = HostNs();
        var pa = new EbpfServiceProxy();
        var pb = new EbpfServiceProxy();
        ServicePort[] services = [Services[0], Svc("local", "172.30.0.2", etpLocal: true, nodePort: 30081)];
        pa.Sync(a, Node("a"), services);
        pb.Sync(b, Node("b"), services);
        Assert.Equal(2, pa.OwnFrontends); // the Local policy port's ClusterIP and NodePort
        Assert.Equal(2, pb.OwnFrontends);
        Assert.Equal(2 * 2 * 3, pa.RuleCount); // every frontend (2 ports × ClusterIP and NodePort) and its 2 backend slots
        // Both ports on NodePort 30080: the node writes every frontend itself, so the later port holds the NodePort as before.
        pb.Sync(b, Node("b"), Services);
        Assert.Equal(3, pb.OwnFrontends);
        Assert.Equal(2 * 2 * 3, pb.RuleCount);
        pa.Sync(a, Node("a"), [services[1]]);
        Assert.Equal(2, pa.OwnFrontends);
        Assert.Equal(2 * 3, pa.RuleCount);
    }

    [Fact]
    public void A_resync_lists_the_shared_chains_again_once()
    {
        NetworkNamespace a = HostNs();
        var p = new KubeProxyIptables();
        p.Sync(a, Node("a"), Services);
        int rules = p.RuleCount, chains = a.Netfilter.Nat.Chains.Count;
        p.Sync(a, Node("a"), Services);
        Assert.Equal(rules, p.RuleCount);
        Assert.Equal(chains, a.Netfilter.Nat.Chains.Count);
    }
}
