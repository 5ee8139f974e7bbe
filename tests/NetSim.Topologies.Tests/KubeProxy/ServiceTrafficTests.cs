using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>Service semantics every mode must get right, on a two-node cluster with an external client.</summary>
public class ServiceTrafficTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.96.0.10");
    private const ushort NodePort = 30080;

    public static TheoryData<string> Modes => new(ProxyCluster.Modes);

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_pod_reaches_a_ClusterIP_on_another_node_and_the_reply_comes_from_the_ClusterIP(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0))]);

        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Arrival syn = Assert.Single(c[1].Sinks[0].Arrivals);
        Assert.Equal((c[0].PodIp(0), c[1].PodIp(0), (ushort)40000, (ushort)8080), (syn.Source, syn.Destination, syn.SourcePort, syn.DestinationPort));
        Arrival synAck = Assert.Single(c[0].Sinks[0].Arrivals);
        Assert.Equal((Vip, (ushort)80, (ushort)40000, TcpFlags.Syn | TcpFlags.Ack), (synAck.Source, synAck.SourcePort, synAck.DestinationPort, synAck.Flags));
        bed.AssertConservation();
    }

    /// <summary>3,000 one-packet UDP connections from a pod on node 2 to a Service with three endpoints on node 1.</summary>
    private static int[] Spread(string mode, int connections)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 0, 1, 2), protocol: Ipv4Header.ProtocolUdp)]);
        foreach (PodSink s in c[0].Sinks) s.EchoUdp = false;
        // 20 us apart: each is a new conntrack entry (conntrack.insert), and thousands at once would overflow the
        // pod veth's backlog (netdev_max_backlog) on the one core that inserts them.
        for (int i = 0; i < connections; i++) bed.SendAt(i * 20_000_000L, c[1].Pods[0], bed.Udp(Vip, (ushort)(20000 + i), 80));
        bed.Run();
        bed.AssertConservation();
        return c[0].Sinks.Select(s => s.Arrivals.Count).ToArray();
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ebpf")]
    public void Random_endpoint_choice_is_uniform_over_many_connections(string mode)
    {
        const int n = 3000;
        int[] counts = Spread(mode, n);
        Assert.Equal(n, counts.Sum());
        double expected = n / 3.0;
        double chiSquare = counts.Sum(k => (k - expected) * (k - expected) / expected);
        Assert.True(chiSquare < 13.82, $"chi-square {chiSquare:F2} over {string.Join("/", counts)} exceeds the 0.1 % critical value for 2 degrees of freedom");
    }

    [Fact]
    public void IPVS_round_robin_spreads_connections_exactly_evenly()
    {
        Assert.Equal([100, 100, 100], Spread("ipvs", 300));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Session_affinity_keeps_each_client_on_one_endpoint(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 2, podsPerNode: 6);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 0, 1, 2), protocol: Ipv4Header.ProtocolUdp, affinity: true)]);
        foreach (PodSink s in c[0].Sinks) s.EchoUdp = false;
        for (int round = 0; round < 10; round++)
            for (int client = 0; client < 6; client++)
                bed.SendAt(round * 1_000_000_000L, c[1].Pods[client], bed.Udp(Vip, (ushort)(30000 + round), 80));
        bed.Run();

        var endpointOf = new Dictionary<Ipv4Address, HashSet<int>>();
        for (int ep = 0; ep < 3; ep++)
            foreach (Arrival a in c[0].Sinks[ep].Arrivals)
                (endpointOf.TryGetValue(a.Source, out var set) ? set : endpointOf[a.Source] = new HashSet<int>()).Add(ep);
        Assert.Equal(6, endpointOf.Count);
        Assert.All(endpointOf.Values, eps => Assert.Single(eps));             // every client stuck to one endpoint
        Assert.True(endpointOf.Values.Select(e => e.Single()).Distinct().Count() > 1); // but not all clients to the same one
        Assert.Equal(60, c[0].Sinks.Sum(s => s.Arrivals.Count));
        bed.AssertConservation();
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    [InlineData("ebpf")]
    public void ExternalTrafficPolicy_Local_keeps_the_client_IP_and_drops_on_a_node_without_a_local_endpoint(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0), nodePort: NodePort, etpLocal: true)]);

        bed.Send(c.External, bed.Tcp(c[0].NodeIp, 41000, NodePort, TcpFlags.Syn)); // node 1 has no endpoint
        bed.Send(c.External, bed.Tcp(c[1].NodeIp, 41001, NodePort, TcpFlags.Syn)); // node 2 has one
        bed.Run();

        Arrival syn = Assert.Single(c[1].Sinks[0].Arrivals);
        Assert.Equal((ProxyCluster.ExternalIp, (ushort)41001), (syn.Source, syn.SourcePort));
        Arrival reply = Assert.Single(c.ExternalSink.Arrivals);
        Assert.Equal((c[1].NodeIp, NodePort, TcpFlags.Syn | TcpFlags.Ack), (reply.Source, reply.SourcePort, reply.Flags));
        Assert.Equal(1, bed.Pool.Dropped(mode == "ebpf" ? DropReason.BpfDrop : DropReason.NetfilterDrop));
        bed.AssertConservation();
    }

    [Fact]
    public void IPVS_with_Local_policy_and_no_local_endpoint_forwards_unmasqueraded_to_the_cluster_endpoints()
    {
        // kube-proxy's syncEndpoint falls back to the cluster's endpoints and KUBE-NODE-PORT returns before the
        // masquerade mark: the pod sees the client, and its reply bypasses node 1 (the connection cannot work).
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install("ipvs", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0), nodePort: NodePort, etpLocal: true)]);
        bed.Send(c.External, bed.Tcp(c[0].NodeIp, 41000, NodePort, TcpFlags.Syn));
        bed.Run();

        Assert.Equal(ProxyCluster.ExternalIp, Assert.Single(c[1].Sinks[0].Arrivals).Source);
        Assert.Equal(c[1].PodIp(0), Assert.Single(c.ExternalSink.Arrivals).Source);
        bed.AssertConservation();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void ExternalTrafficPolicy_Cluster_SNATs_to_the_node_IP_and_the_client_gets_its_reply_from_the_NodePort(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0), nodePort: NodePort)]);

        bed.Send(c.External, bed.Tcp(c[0].NodeIp, 41000, NodePort, TcpFlags.Syn));
        bed.Run();

        Arrival syn = Assert.Single(c[1].Sinks[0].Arrivals);
        Assert.Equal((c[0].NodeIp, c[1].PodIp(0), (ushort)8080), (syn.Source, syn.Destination, syn.DestinationPort));
        Arrival reply = Assert.Single(c.ExternalSink.Arrivals);
        Assert.Equal((c[0].NodeIp, NodePort, (ushort)41000, TcpFlags.Syn | TcpFlags.Ack), (reply.Source, reply.SourcePort, reply.DestinationPort, reply.Flags));
        bed.AssertConservation();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_Service_without_endpoints_answers_ICMP_port_unreachable(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("empty", "10.96.0.10", []), ProxyCluster.Service("empty", "10.96.0.10", [], protocol: Ipv4Header.ProtocolUdp)]);

        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Send(c[0].Pods[0], bed.Udp(Vip, 40001, 80));
        bed.Run();

        Arrival[] errors = c[0].Sinks[0].Arrivals.ToArray();
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.Equal((Ipv4Header.ProtocolIcmp, IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable, Vip, (ushort)80),
            (e.Protocol, e.IcmpType, e.IcmpCode, e.Destination, e.DestinationPort)));
        Assert.Equal(2, bed.Pool.Dropped(mode == "ebpf" ? DropReason.BpfDrop : DropReason.NetfilterReject));
        Assert.All(c[1].Sinks, s => Assert.Empty(s.Arrivals));
        bed.AssertConservation();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_pod_reaching_itself_through_its_Service_is_masqueraded(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("self", "10.96.0.10", c.Pods(0, 0))]);

        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Arrival[] seen = c[0].Sinks[0].Arrivals.ToArray();
        Assert.Equal(2, seen.Length);
        Ipv4Address masqueraded = mode == "ebpf" ? EbpfServiceProxy.HairpinSource : Ipv4Address.Parse("10.244.1.1"); // cni0's address
        Assert.Equal((masqueraded, c[0].PodIp(0), (ushort)8080, TcpFlags.Syn), (seen[0].Source, seen[0].Destination, seen[0].DestinationPort, seen[0].Flags));
        Assert.Equal((Vip, (ushort)80, (ushort)40000, TcpFlags.Syn | TcpFlags.Ack), (seen[1].Source, seen[1].SourcePort, seen[1].DestinationPort, seen[1].Flags));
        bed.AssertConservation();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void InternalTrafficPolicy_Local_uses_only_the_clients_node_and_drops_where_there_is_none(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("local", "10.96.0.10", c.Pods(0, 1).Concat(c.Pods(1, 1)), itpLocal: true)]);

        for (int i = 0; i < 10; i++) bed.Send(c[0].Pods[0], bed.Tcp(Vip, (ushort)(40000 + i), 80, TcpFlags.Syn));
        bed.Run();
        Assert.Equal(10, c[0].Sinks[1].Of(Ipv4Header.ProtocolTcp).Count());
        Assert.Empty(c[1].Sinks[1].Arrivals);

        var bed2 = new ProxyBed();
        var c2 = new ProxyCluster(bed2);
        c2.Install(mode, [ProxyCluster.Service("local", "10.96.0.10", c2.Pods(1, 1), itpLocal: true)]);
        bed2.Send(c2[0].Pods[0], bed2.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed2.Run();
        if (mode == "ipvs")
        {
            // The virtual service has no destination (syncEndpoint's fallback is the Cluster endpoints, which a
            // ClusterIP-only Service with a Local policy does not use): ip_vs_leave answers ICMP port unreachable.
            Assert.Empty(c2[1].Sinks[1].Arrivals);
            Assert.Equal(IcmpHeader.CodePortUnreachable, Assert.Single(c2[0].Sinks[0].Arrivals).IcmpCode);
        }
        else
        {
            Assert.Empty(c2[1].Sinks[1].Arrivals);
            Assert.Empty(c2[0].Sinks[0].Arrivals); // dropped, not rejected
            Assert.Equal(1, bed2.Pool.Dropped(mode == "ebpf" ? DropReason.BpfDrop : DropReason.NetfilterDrop));
        }
        bed.AssertConservation();
        bed2.AssertConservation();
    }
}
