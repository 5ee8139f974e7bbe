using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>IPVS mode: kube-ipvs0, virtual services, schedulers, ipsets and the iptables rules it still needs.</summary>
public class IpvsTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.96.0.10");

    private static ServicePort[] Many(ProxyCluster c, int n, ushort nodePort = 0) => Enumerable.Range(0, n)
        .Select(i => ProxyCluster.Service($"s{i}", $"10.96.{i / 250}.{i % 250 + 1}", c.Pods(0, 1), nodePort: i == 0 ? nodePort : (ushort)0))
        .ToArray();

    [Fact]
    public void Every_ClusterIP_is_a_local_address_on_kube_ipvs0_and_the_iptables_rules_do_not_grow_with_Services()
    {
        var counts = new List<int>();
        foreach (int n in new[] { 10, 1000 })
        {
            var c = new ProxyCluster(new ProxyBed(), nodes: 1, podsPerNode: 2);
            c.Install("ipvs", Many(c, n, nodePort: 30080));
            var ipvs = (KubeProxyIpvs)c[0].Proxy!;
            Assert.Equal(n, ipvs.Dummy!.Addresses.Count);
            Assert.True(c[0].Host.IsLocalAddress(Ipv4Address.Parse("10.96.0.10")));
            Assert.Equal(n, ipvs.Set("KUBE-CLUSTER-IP").Count);
            Assert.Equal(n, ipvs.Set("KUBE-IPVS-IPS").Count);
            Assert.Equal(1, ipvs.Set("KUBE-NODE-PORT-TCP").Count);
            Assert.Equal(1, ipvs.Set("KUBE-LOOP-BACK").Count); // one local endpoint (ip, tcp, 8080, ip), shared by all Services
            Assert.Equal(n + 2, ipvs.VirtualServerCount);             // + the NodePort on eth0's and cni0's addresses
            counts.Add(ipvs.RuleCount);
        }
        Assert.Equal(counts[0], counts[1]);
    }

    [Fact]
    public void Round_robin_takes_the_endpoints_in_turn()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 4);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 3, 1, 2), protocol: Ipv4Header.ProtocolUdp)]);
        foreach (PodSink s in c[0].Sinks) s.EchoUdp = false;
        var order = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            int[] before = c[0].Sinks.Select(s => s.Arrivals.Count).ToArray();
            bed.Send(c[0].Pods[0], bed.Udp(Vip, (ushort)(20000 + i), 80));
            bed.Run();
            order.Add(Enumerable.Range(0, before.Length).Single(k => c[0].Sinks[k].Arrivals.Count > before[k]));
        }
        Assert.Equal([1, 2, 3, 1, 2, 3], order); // endpoints sorted by "ip:port": .3, .4, .5 = pods 1, 2, 3
        bed.AssertConservation();
    }

    [Fact]
    public void Least_connection_prefers_the_endpoint_with_fewer_active_connections()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 3);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1, 2))], _ => new KubeProxyIpvs("lc"));
        ProxyNode n = c[0];
        void Connect(ushort port, bool complete)
        {
            bed.Send(n.Pods[0], bed.Tcp(Vip, port, 80, TcpFlags.Syn));
            bed.Run();
            if (complete) bed.Send(n.Pods[0], bed.Tcp(Vip, port, 80, TcpFlags.Ack, seq: 2, ack: 1001));
            bed.Run();
        }
        int Syns(int pod) => n.Sinks[pod].Arrivals.Count(a => a.Flags == TcpFlags.Syn);

        Connect(1, complete: true);  // tie (0, 0): the first destination
        Connect(2, complete: true);  // (256, 0): the other
        Connect(3, complete: false); // (256, 256): the first again; left half-open, so it counts as inactive
        Connect(4, complete: false); // (257, 256): the other
        Assert.Equal((2, 2), (Syns(1), Syns(2)));
        Assert.Equal([1, 2, 1, 2], n.Sinks[1].Arrivals.Concat(n.Sinks[2].Arrivals).Where(a => a.Flags == TcpFlags.Syn)
            .OrderBy(a => a.At).Select(a => n.Sinks[1].Arrivals.Contains(a) ? 1 : 2));
        var (active, inactive) = ((KubeProxyIpvs)n.Proxy!).Table.Services.Single().Destinations[0].Connections(bed.Sim.NowPicoseconds);
        Assert.Equal((1, 1), (active, inactive));
        bed.AssertConservation();
    }

    [Theory]
    [InlineData("sed")]
    [InlineData("nq")]
    public void Shortest_expected_delay_and_never_queue_fill_idle_endpoints_first(string scheduler)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 4);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1, 2, 3))], _ => new KubeProxyIpvs(scheduler));
        ProxyNode n = c[0];
        var order = new List<int>();
        for (ushort port = 1; port <= 4; port++)
        {
            int[] before = n.Sinks.Select(s => s.Arrivals.Count).ToArray();
            bed.Send(n.Pods[0], bed.Tcp(Vip, port, 80, TcpFlags.Syn));
            bed.Run();
            bed.Send(n.Pods[0], bed.Tcp(Vip, port, 80, TcpFlags.Ack, seq: 2, ack: 1001)); // established: active
            bed.Run();
            order.Add(Enumerable.Range(0, 4).Single(k => n.Sinks[k].Arrivals.Count > before[k] && k != 0));
        }
        // (active + 1) / weight with equal weights: each idle endpoint once, then the first of the equals.
        Assert.Equal([1, 2, 3, 1], order);
        bed.AssertConservation();
    }

    [Theory]
    [InlineData("sh")]
    [InlineData("dh")]
    public void Hashing_schedulers_send_a_client_or_a_destination_always_to_the_same_endpoint(string scheduler)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 2, podsPerNode: 6);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 0, 1, 2), protocol: Ipv4Header.ProtocolUdp)], _ => new KubeProxyIpvs(scheduler));
        foreach (PodSink s in c[0].Sinks) s.EchoUdp = false;
        for (int client = 0; client < 6; client++)
            for (int k = 0; k < 5; k++)
                bed.Send(c[1].Pods[client], bed.Udp(Vip, (ushort)(20000 + k), 80));
        bed.Run();

        var endpointsPerClient = Enumerable.Range(0, 3)
            .SelectMany(ep => c[0].Sinks[ep].Arrivals.Select(a => (a.Source, ep)))
            .GroupBy(x => x.Source, x => x.ep).ToDictionary(g => g.Key, g => g.Distinct().Count());
        Assert.Equal(6, endpointsPerClient.Count);
        Assert.All(endpointsPerClient.Values, n => Assert.Equal(1, n));
        int used = c[0].Sinks.Take(3).Count(s => s.Arrivals.Count > 0);
        if (scheduler == "dh") Assert.Equal(1, used); // one virtual address: one bucket
        bed.AssertConservation();
    }

    [Fact]
    public void KUBE_IPVS_FILTER_rejects_new_connections_to_other_ports_of_a_Service_address()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 2);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1))]);
        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 22, TcpFlags.Syn));
        bed.Run();

        Arrival icmp = Assert.Single(c[0].Sinks[0].Arrivals);
        Assert.Equal((IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable, Vip), (icmp.IcmpType, icmp.IcmpCode, icmp.Source));
        Assert.Empty(c[0].Sinks[1].Arrivals);
        Assert.Equal(0, ((KubeProxyIpvs)c[0].Proxy!).Scheduled);
        bed.AssertConservation();
    }

    [Fact]
    public void A_resync_unbinds_removed_ClusterIPs_and_keeps_the_connections_of_kept_destinations()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 3);
        ServicePort a = ProxyCluster.Service("a", "10.96.0.10", c.Pods(0, 1, 2)), b = ProxyCluster.Service("b", "10.96.0.11", c.Pods(0, 1));
        c.Install("ipvs", [a, b]);
        var ipvs = (KubeProxyIpvs)c[0].Proxy!;
        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();
        IpvsRealServer first = ipvs.Table.Services.First(s => s.Frontend.Address == Vip).Destinations[0];

        ipvs.Sync(c[0].Host, ProxyCluster.Config(c[0]), [a]);
        Assert.Equal(1, ipvs.VirtualServerCount);
        Assert.False(c[0].Host.IsLocalAddress(Ipv4Address.Parse("10.96.0.11")));
        Assert.Same(first, ipvs.Table.Services.Single().Destinations[0]);
        Assert.Equal(1, first.TotalConnections);
        bed.AssertConservation();
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("ipvs")]
    [InlineData("nftables")]
    public void A_process_on_the_node_reaches_a_ClusterIP_masqueraded_to_the_nodes_address(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 2);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1))]);
        NetworkNamespace host = c[0].Host;
        var hostSink = new PodSink(bed, host);
        bed.Send(host, bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Arrival syn = Assert.Single(c[0].Sinks[1].Arrivals);
        // iptables/nftables: the source the route to the VIP gave (eth0's) is off-cluster, so it is marked; IPVS:
        // the VIP itself is the source (a local address), also off-cluster. Either way MASQUERADE picks cni0's.
        Assert.Equal((Ipv4Address.Parse("10.244.1.1"), (ushort)8080), (syn.Source, syn.DestinationPort));
        Arrival synAck = Assert.Single(hostSink.Arrivals);
        Assert.Equal((Vip, (ushort)80, TcpFlags.Syn | TcpFlags.Ack), (synAck.Source, synAck.SourcePort, synAck.Flags));
        bed.AssertConservation();
    }
}
