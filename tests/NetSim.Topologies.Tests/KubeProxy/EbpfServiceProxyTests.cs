using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>The eBPF kube-proxy replacement: tc programs with their own LB and connection maps, no netfilter.</summary>
public class EbpfServiceProxyTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.96.0.10");
    private const ushort NodePort = 30080;

    [Fact]
    public void A_NodePort_with_a_local_backend_keeps_the_client_address_even_with_Cluster_policy()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install("ebpf", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0), nodePort: NodePort)]);
        bed.Send(c.External, bed.Tcp(c[1].NodeIp, 41000, NodePort, TcpFlags.Syn));
        bed.Run();

        Assert.Equal(ProxyCluster.ExternalIp, Assert.Single(c[1].Sinks[0].Arrivals).Source);
        Arrival reply = Assert.Single(c.ExternalSink.Arrivals);
        Assert.Equal((c[1].NodeIp, NodePort), (reply.Source, reply.SourcePort));
        bed.AssertConservation();
    }

    [Fact]
    public void Service_traffic_uses_no_netfilter_and_with_NoConntrack_no_conntrack_entry_either()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install("ebpf", [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0))], _ => new EbpfServiceProxy { NoConntrack = true });
        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Assert.Single(c[1].Sinks[0].Arrivals);
        Assert.Equal(Vip, Assert.Single(c[0].Sinks[0].Arrivals).Source);
        foreach (ProxyNode n in c.Nodes)
        {
            Assert.Equal(0, n.Host.Conntrack.Count);
            Assert.Equal(0, n.Host.Netfilter.Nat.Chains.Sum(ch => ch.Rules.Count) + n.Host.Netfilter.Filter.Chains.Sum(ch => ch.Rules.Count));
            Assert.Equal(2, n.Host.Netfilter.Raw["CILIUM_PRE_raw"].Rules.Count(r => r.Target is NotrackTarget));
        }
        var proxy = (EbpfServiceProxy)c[0].Proxy!;
        Assert.Equal((1L, 1L, 1), (proxy.Translations, proxy.ReverseTranslations, proxy.Connections));
        bed.AssertConservation();
    }

    [Fact]
    public void Socket_LB_translates_in_the_pods_own_egress_hook_before_the_packet_leaves_the_pod()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 2);
        ServicePort svc = ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1));
        var proxy = new EbpfServiceProxy();
        proxy.Sync(c[0].Host, ProxyCluster.Config(c[0]), [svc]);
        proxy.AttachSocketLb(c[0].Links[0].A); // the client pod's eth0
        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Arrival syn = Assert.Single(c[0].Sinks[1].Arrivals);
        Assert.Equal((c[0].PodIp(0), (ushort)8080), (syn.Source, syn.DestinationPort));
        Assert.Equal(Vip, Assert.Single(c[0].Sinks[0].Arrivals).Source);
        Assert.Equal(2, c[0].Links[0].A.TcEgress!.Runs + c[0].Links[0].A.TcIngress!.Runs);
        bed.AssertConservation();
    }

    [Fact]
    public void The_CNIs_own_program_runs_after_the_translation_in_the_same_run()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 2);
        var proxy = new EbpfServiceProxy(costUnits: 3);
        proxy.Sync(c[0].Host, ProxyCluster.Config(c[0]), [ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1))]);
        Ipv4Address seen = default;
        proxy.AttachToPod(c[0].Links[0].B, (p, hook, dev) =>
        {
            if (hook == BpfHookPoint.TcIngress) seen = p.Ipv4.Destination;
            return BpfResult.Pass;
        });
        Assert.Throws<InvalidOperationException>(() => proxy.AttachToPod(c[0].Links[0].B));
        bed.Send(c[0].Pods[0], bed.Tcp(Vip, 40000, 80, TcpFlags.Syn));
        bed.Run();

        Assert.Equal(c[0].PodIp(1), seen); // the CNI's part saw the translated packet
        Assert.Equal(3, c[0].Links[0].B.TcIngress!.CostUnits);
        Assert.Single(c[0].Sinks[1].Arrivals);
        bed.AssertConservation();
    }

    [Fact]
    public void The_LB_map_holds_one_entry_per_frontend_and_per_backend_slot()
    {
        var c = new ProxyCluster(new ProxyBed(), nodes: 1, podsPerNode: 3);
        var proxy = new EbpfServiceProxy();
        proxy.Sync(c[0].Host, ProxyCluster.Config(c[0]),
            [ProxyCluster.Service("a", "10.96.0.10", c.Pods(0, 1, 2)), ProxyCluster.Service("b", "10.96.0.11", c.Pods(0, 1), nodePort: NodePort)]);
        Assert.Equal((1 + 2) + (1 + 1) + (1 + 1), proxy.RuleCount);
    }
}
