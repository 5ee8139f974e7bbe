using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class EbpfTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);

    /// <summary>
    /// A client node cabled to a server node whose pod sits behind a Calico-style veth (pod /32, onlink default via
    /// 169.254.1.1, proxy ARP on the host side, a /32 host route). The server host has firewall rules and conntrack.
    /// </summary>
    private sealed record Setup(TestBed Bed, NetworkNamespace Client, NetworkNamespace Host, NetworkNamespace Pod,
        PhysicalDevice HostEth0, VethPair Link, Sink PodSink, Sink ClientSink);

    private static Setup Build(int forwardRules = 20, int mangleRules = 5)
    {
        var bed = new TestBed();
        var client = new NetworkNamespace(bed.Node("client"), "client");
        var serverNode = bed.Node("server");
        var host = new NetworkNamespace(serverNode, "host") { IpForwarding = true };
        var pod = new NetworkNamespace(serverNode, "pod");
        var cEth = new PhysicalDevice(client, "eth0");
        var hEth = new PhysicalDevice(host, "eth0");
        _ = new TestWire(cEth, hEth);
        client.AddAddress(cEth, "192.168.0.2/24");
        host.AddAddress(hEth, "192.168.0.1/24");
        client.AddRoute("10.244.1.0/24", cEth, via: "192.168.0.1");
        var link = new VethPair(pod, "eth0", host, "lxc1");
        link.B.ProxyArp = true;
        pod.AddAddress(link.A, "10.244.1.2/32");
        pod.AddRoute("0.0.0.0/0", link.A, via: "169.254.1.1", onLink: true);
        host.AddRoute("10.244.1.2/32", link.B);
        host.AddRoute("0.0.0.0/0", hEth, via: "192.168.0.2");
        host.Conntrack.Mode = ConntrackMode.On;
        for (int i = 0; i < forwardRules; i++)
            host.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(new IptRule { Destination = Ipv4Prefix.Parse($"172.16.{i}.0/24"), Target = StandardTarget.Drop });
        for (int i = 0; i < mangleRules; i++)
            host.Netfilter.Mangle.Builtin(NfInetHook.PreRouting).Append(new IptRule { Source = Ipv4Prefix.Parse($"172.17.{i}.0/24") });
        Sink podSink = bed.Sink(pod, Ipv4Header.ProtocolUdp);
        Sink clientSink = bed.Sink(client, Ipv4Header.ProtocolUdp);
        return new Setup(bed, client, host, pod, hEth, link, podSink, clientSink);
    }

    /// <summary>Cilium-style from-netdev program: packets for the local pod go straight into it with bpf_redirect_peer.</summary>
    private static DelegateBpfProgram ToPod(Setup s) => new DelegateBpfProgram("bpf_host", (p, hook, dev) =>
    {
        if (p.Ipv4.Destination != A("10.244.1.2")) return BpfResult.Pass;
        ref EthernetHeader eth = ref p.Ethernet;
        eth.Source = s.Link.B.Mac;
        eth.Destination = s.Link.A.Mac;
        return BpfResult.RedirectPeer(s.Link.B);
    });

    private static long ClientOut => Ns(RouteLookup + IpOutput + NeighOutput);

    [Fact]
    public void Legacy_host_routing_pays_for_the_stack_and_every_firewall_rule()
    {
        Setup s = Build();
        s.Bed.SendAt(0, s.Client, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();
        long host = NetifReceive + IpReceive + NetfilterHook + ConntrackLookup + 5 * NetfilterRule + RouteLookup // eth0 rx, ip_rcv + PREROUTING
                    + IpForward + NetfilterHook + 20 * NetfilterRule                                              // ip_forward + FORWARD
                    + IpOutput + ConntrackInsert + NeighOutput + VethXmit;                                        // ip_output + POSTROUTING, lxc1
        long pod = NetifReceive + IpReceive + RouteLookup;
        Assert.Equal(ClientOut + Ns(host + pod), Assert.Single(s.PodSink.Arrivals).At);
        Assert.Equal(25, s.Host.Netfilter.RulesEvaluated);
        s.Bed.AssertConservation();
    }

    [Fact]
    public void Redirect_peer_skips_the_host_stack_and_netfilter_and_costs_less()
    {
        Setup legacy = Build();
        legacy.Bed.SendAt(0, legacy.Client, legacy.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        legacy.Bed.Run();

        Setup s = Build();
        s.HostEth0.TcIngress = ToPod(s);
        s.Bed.SendAt(0, s.Client, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();

        Arrival a = Assert.Single(s.PodSink.Arrivals);
        long expected = ClientOut + Ns(NetifReceive + BpfRun + BpfRedirect + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(expected, a.At);
        Assert.True(a.At < Assert.Single(legacy.PodSink.Arrivals).At);
        foreach (NfInetHook hook in Enum.GetValues<NfInetHook>())
        {
            Assert.Equal(0, s.Host.Netfilter.Counters(hook).RulesEvaluated);
            Assert.Equal(0, s.Host.Netfilter.Counters(hook).Packets);
        }
        Assert.Equal(0, s.Host.Conntrack.Count);
        Assert.Equal(0, s.Link.B.Counters.TxPackets); // never transmitted by the host-side veth
        s.Bed.AssertConservation();
        legacy.Bed.AssertConservation();
    }

    [Fact]
    public void Redirect_peer_only_works_into_another_namespace()
    {
        Setup s = Build();
        var sameNsPair = new VethPair(s.Host, "a", s.Host, "b");
        s.HostEth0.TcIngress = new DelegateBpfProgram("bad", (p, hook, dev) => BpfResult.RedirectPeer(sameNsPair.A));
        s.Bed.SendAt(0, s.Client, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();
        Assert.Empty(s.PodSink.Arrivals);
        Assert.Equal(1, s.Bed.Pool.Dropped(DropReason.BpfDrop));
        s.Bed.AssertConservation();
    }

    [Fact]
    public void Redirect_neigh_sends_pod_traffic_out_of_eth0_without_the_host_stack()
    {
        Setup s = Build();
        s.Link.B.TcIngress = new DelegateBpfProgram("bpf_lxc", (p, hook, dev) => BpfResult.RedirectNeigh(s.HostEth0));
        s.Bed.SendAt(0, s.Pod, s.Bed.Udp("0.0.0.0", "192.168.0.2", 1, 2));
        s.Bed.Run();
        Arrival a = Assert.Single(s.ClientSink.Arrivals);
        Assert.Equal(A("10.244.1.2"), a.Ip.Source);
        long pod = RouteLookup + IpOutput + NeighOutput + VethXmit;
        long host = NetifReceive + BpfRun + BpfRedirect + RouteLookup + NeighOutput; // lxc1 rx, program, FIB + neighbour
        long client = NetifReceive + IpReceive + RouteLookup;
        Assert.Equal(Ns(pod + host + client), a.At);
        Assert.Equal(0, s.Host.Netfilter.RulesEvaluated);
        Assert.Equal(1, s.HostEth0.Counters.TxPackets);
        s.Bed.AssertConservation();
    }

    [Fact]
    public void A_tc_ingress_drop_is_counted_and_charged()
    {
        Setup s = Build();
        var prog = new DelegateBpfProgram("policy", (p, hook, dev) => BpfResult.Drop, costUnits: 3);
        s.HostEth0.TcIngress = prog;
        s.Bed.SendAt(0, s.Client, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();
        Assert.Equal(1, s.Bed.Pool.Dropped(DropReason.BpfDrop));
        Assert.Equal(1, prog.Runs);
        Assert.Equal(1, s.HostEth0.Counters.RxPackets); // the skb existed: tc runs after the device counted it
        Assert.Equal(Ns(NetifReceive + 3 * BpfRun), s.HostEth0.RxEntry.Stats.CpuPs);
        s.Bed.AssertConservation();
    }

    [Fact]
    public void An_XDP_drop_happens_before_the_stack_sees_the_frame()
    {
        Setup s = Build();
        s.HostEth0.Xdp = new DelegateBpfProgram("xdp_ddos", (p, hook, dev) => hook == BpfHookPoint.Xdp ? BpfResult.Drop : BpfResult.Pass);
        s.Bed.SendAt(0, s.Client, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();
        Assert.Equal(1, s.Bed.Pool.Dropped(DropReason.BpfDrop));
        Assert.Equal(0, s.HostEth0.Counters.RxPackets);
        Assert.Equal(Ns(BpfRun), s.HostEth0.RxEntry.Stats.CpuPs); // no netif_receive: no skb was built
        s.Bed.AssertConservation();
    }

    [Fact]
    public void A_tc_egress_program_can_drop_or_redirect_to_another_device()
    {
        Setup s = Build();
        var tap = new CaptureTap();
        s.HostEth0.Tap = tap;
        // Host → pod traffic is caught on the lxc1 egress and bounced to eth0's egress instead (a silly policy, but a redirect).
        s.Link.B.TcEgress = new DelegateBpfProgram("egress", (p, hook, dev) => BpfResult.Redirect(s.HostEth0));
        s.Bed.SendAt(0, s.Host, s.Bed.Udp("0.0.0.0", "10.244.1.2", 1, 2));
        s.Bed.Run();
        Assert.Empty(s.PodSink.Arrivals);
        Assert.Single(tap.Frames); // it left by eth0
        Assert.Equal(0, s.Link.B.Counters.TxPackets);
        s.Bed.AssertConservation();
    }
}
