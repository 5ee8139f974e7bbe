using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class NetfilterTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);
    private static Ipv4Prefix P(string s) => Ipv4Prefix.Parse(s);
    private static readonly long Step = SimTime.FromMicroseconds(50).Picoseconds;

    [Fact]
    public void DNAT_rewrites_the_first_packet_and_conntrack_keeps_the_translation_for_replies()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        IptRule dnat = t.Host.Netfilter.Nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = P("10.96.0.10/32"), Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(53),
            Target = new DnatTarget(A("10.0.1.2"), 5353),
        });
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        Sink client = bed.Sink(t.Client, Ipv4Header.ProtocolUdp);
        server.OnPacket = Replies.EchoUdp(bed, t.Server);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 40000, 53));
        bed.SendAt(Step, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 40000, 53));
        bed.Run();

        Assert.Equal(2, server.Arrivals.Count);
        Assert.All(server.Arrivals, a => Assert.Equal((A("10.0.1.2"), (ushort)5353, A("10.0.0.2")), (a.Ip.Destination, a.DestinationPort, a.Ip.Source)));
        Assert.Equal(2, client.Arrivals.Count);
        Assert.All(client.Arrivals, a => Assert.Equal((A("10.96.0.10"), (ushort)53), (a.Ip.Source, a.SourcePort))); // un-DNATed
        Assert.Equal(1, dnat.Packets); // the nat table only sees a connection's first packet
        Assert.Equal(1, t.Host.Conntrack.Count);
        ConntrackEntry e = Assert.Single(t.Host.Conntrack.Entries);
        Assert.True(e.SeenReply);
        Assert.Equal(new ConntrackTuple(A("10.0.1.2"), A("10.0.0.2"), 5353, 40000, Ipv4Header.ProtocolUdp), e.Reply);

        // First packet at the host: PREROUTING = hook + conntrack lookup + 1 rule + NAT rewrite; POSTROUTING (no rules) = conntrack insert.
        long client0 = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit);
        long host = Ns(NetifReceive + IpReceive + NetfilterHook + ConntrackLookup + NetfilterRule + NatRewrite + RouteLookup
                       + IpForward + IpOutput + ConntrackInsert + NeighOutput + VethXmit);
        long server0 = Ns(NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(client0 + host + server0, server.Arrivals[0].At);
        bed.AssertConservation();
    }

    [Fact]
    public void MASQUERADE_uses_the_output_address_keeps_free_ports_and_renumbers_clashing_ones()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Client.AddAddress(t.ClientLink.A, "10.0.0.3/24");
        t.Host.Netfilter.Nat.Builtin(NfInetHook.PostRouting).Append(new IptRule
        {
            Source = P("10.0.0.0/24"), OutInterface = "h+", Target = new MasqueradeTarget(),
        });
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        Sink client = bed.Sink(t.Client, Ipv4Header.ProtocolUdp);
        server.OnPacket = Replies.EchoUdp(bed, t.Server);
        bed.SendAt(0, t.Client, bed.Udp("10.0.0.2", "10.0.1.2", 40000, 80));
        bed.SendAt(Step, t.Client, bed.Udp("10.0.0.3", "10.0.1.2", 40000, 80)); // same port from another client address
        bed.Run();

        Assert.Equal(2, server.Arrivals.Count);
        Assert.All(server.Arrivals, a => Assert.Equal(A("10.0.1.1"), a.Ip.Source));
        Assert.Equal(40000, server.Arrivals[0].SourcePort);
        ushort renumbered = server.Arrivals[1].SourcePort;
        Assert.NotEqual(40000, renumbered);
        Assert.InRange(renumbered, (ushort)1024, (ushort)65535);
        Assert.Equal(2, client.Arrivals.Count);
        Assert.Equal((A("10.0.0.2"), (ushort)40000), (client.Arrivals[0].Ip.Destination, client.Arrivals[0].DestinationPort));
        Assert.Equal((A("10.0.0.3"), (ushort)40000), (client.Arrivals[1].Ip.Destination, client.Arrivals[1].DestinationPort));
        bed.AssertConservation();
    }

    [Fact]
    public void Random_fully_masquerade_picks_a_seeded_random_port()
    {
        ushort Run()
        {
            var bed = new TestBed();
            var t = Topologies.ClientRouterServer(bed);
            t.Host.Netfilter.Nat.Builtin(NfInetHook.PostRouting).Append(new IptRule
            {
                OutInterface = "h1", Target = new MasqueradeTarget(flags: NatRangeOptions.RandomFully),
            });
            Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
            bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 40000, 80));
            bed.Run();
            bed.AssertConservation();
            return Assert.Single(server.Arrivals).SourcePort;
        }
        ushort first = Run();
        Assert.NotEqual(40000, first);
        Assert.Equal(first, Run()); // same seed, same port
    }

    [Fact]
    public void Rule_order_matters_ACCEPT_before_DROP_passes_DROP_before_ACCEPT_drops()
    {
        foreach (bool acceptFirst in new[] { true, false })
        {
            var bed = new TestBed();
            var t = Topologies.ClientRouterServer(bed);
            var accept = new IptRule { Protocol = Ipv4Header.ProtocolUdp, InInterface = "h0", Target = StandardTarget.Accept };
            var drop = new IptRule { Protocol = Ipv4Header.ProtocolUdp, Target = StandardTarget.Drop };
            IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
            fwd.Append(acceptFirst ? accept : drop);
            fwd.Append(acceptFirst ? drop : accept);
            Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
            bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));
            bed.Run();
            Assert.Equal(acceptFirst ? 1 : 0, server.Arrivals.Count);
            Assert.Equal(acceptFirst ? 0 : 1, bed.Pool.Dropped(DropReason.NetfilterDrop));
            Assert.Equal(1, t.Host.Netfilter.Counters(NfInetHook.Forward).RulesEvaluated); // the first rule decided
            Assert.Equal(acceptFirst ? 1 : 0, accept.Packets);
            Assert.Equal(acceptFirst ? 0 : 1, drop.Packets);
            bed.AssertConservation();
        }
    }

    [Fact]
    public void Cost_grows_with_the_rules_actually_traversed()
    {
        long Latency(int rules)
        {
            var bed = new TestBed();
            var t = Topologies.ClientRouterServer(bed);
            IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
            for (int i = 0; i < rules; i++) fwd.Append(new IptRule { Destination = P($"192.0.{i}.0/24"), Target = StandardTarget.Drop });
            Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
            bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));
            bed.Run();
            Assert.Equal(rules, t.Host.Netfilter.RulesEvaluated);
            bed.AssertConservation();
            return Assert.Single(server.Arrivals).At;
        }
        long none = Latency(0);
        Assert.Equal(Ns(NetfilterHook + 1 * NetfilterRule), Latency(1) - none);
        Assert.Equal(Ns(NetfilterHook + 100 * NetfilterRule), Latency(100) - none);
    }

    [Fact]
    public void Jump_returns_to_the_next_rule_and_goto_returns_past_its_caller()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        IptTable filter = t.Host.Netfilter.Filter;
        IptChain a = filter.NewChain("A");
        IptChain b = filter.NewChain("B");
        IptChain fwd = filter.Builtin(NfInetHook.Forward);
        fwd.Append(new IptRule { Target = StandardTarget.Jump(a) });
        fwd.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp, Target = StandardTarget.Accept });
        a.Append(new IptRule { Target = StandardTarget.Goto(b) });
        var unreachable = a.Append(new IptRule { Target = StandardTarget.Drop }); // a goto never comes back here
        b.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp, Target = StandardTarget.Return });
        fwd.Policy = NfPolicy.Drop;
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));
        bed.SendAt(Step, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 1, 2, TcpFlags.Syn)); // B has nothing for TCP: its end returns too, then FORWARD's policy
        bed.Run();
        Assert.Single(server.Arrivals);
        Assert.Equal(0, unreachable.Packets);
        Assert.Equal(1, fwd.PolicyPackets);
        Assert.Equal(4 + 4, t.Host.Netfilter.Counters(NfInetHook.Forward).RulesEvaluated);
        bed.AssertConservation();
    }

    [Fact]
    public void REJECT_answers_with_port_unreachable_or_a_TCP_reset()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
        fwd.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(9), Target = new RejectTarget() });
        fwd.Append(new IptRule { Protocol = Ipv4Header.ProtocolTcp, DestinationPort = new PortRange(9), Target = new RejectTarget(RejectWith.TcpReset) });
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        Sink tcp = bed.Sink(t.Client, Ipv4Header.ProtocolTcp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 5000, 9, payload: 1000));
        bed.SendAt(Step, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 5001, 9, TcpFlags.Syn, seq: 77));
        bed.Run();

        Arrival unreachable = Assert.Single(icmp.Arrivals);
        Assert.Equal((IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable), (unreachable.Icmp.Type, unreachable.Icmp.Code));
        Assert.Equal(A("10.0.0.1"), unreachable.Ip.Source);
        Assert.Equal(576, unreachable.Ipv4Length); // the offending datagram (1036 B) is truncated so the error is 576 B
        Arrival rst = Assert.Single(tcp.Arrivals);
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.TcpFlags);
        Assert.Equal((A("10.0.1.2"), (ushort)9, (ushort)5001), (rst.Ip.Source, rst.SourcePort, rst.DestinationPort));
        Assert.Equal(2, bed.Pool.Dropped(DropReason.NetfilterReject));
        bed.AssertConservation();
    }

    [Fact]
    public void Statistic_random_spreads_connections_evenly_over_kube_proxy_style_endpoints()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        var nat = t.Host.Netfilter.Nat;
        var rng = new Random(42);
        IptChain services = nat.NewChain("KUBE-SERVICES");
        IptChain svc = nat.NewChain("KUBE-SVC-TEST");
        nat.Builtin(NfInetHook.PreRouting).Append(new IptRule { Target = StandardTarget.Jump(services) });
        services.Append(new IptRule
        {
            Destination = P("10.96.0.10/32"), Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(53), Target = StandardTarget.Jump(svc),
        });
        const int endpoints = 3;
        for (int i = 0; i < endpoints; i++)
        {
            IptChain sep = nat.NewChain($"KUBE-SEP-{i}");
            sep.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp, Target = new DnatTarget(A("10.0.1.2"), (ushort)(5000 + i)) });
            // kube-proxy: rule i (1-based) of n has probability 1/(n-i+1); the last is unconditional.
            svc.Append(new IptRule
            {
                Matches = i < endpoints - 1 ? [StatisticMatch.Random(1.0 / (endpoints - i), rng)] : [],
                Target = StandardTarget.Jump(sep),
            });
        }
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        const int connections = 3000;
        for (int c = 0; c < connections; c++)
            bed.SendAt(c * Step, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", (ushort)(10000 + c), 53));
        bed.Run();

        Assert.Equal(connections, server.Arrivals.Count);
        var counts = new int[endpoints];
        foreach (Arrival a in server.Arrivals) counts[a.DestinationPort - 5000]++;
        double expected = connections / (double)endpoints;
        double chi2 = counts.Sum(o => (o - expected) * (o - expected) / expected);
        Assert.True(chi2 < 13.82, $"chi-square {chi2:F2} for {string.Join('/', counts)} exceeds the 0.1% critical value (2 dof)");
        Assert.Equal(connections, t.Host.Conntrack.Count);
        bed.AssertConservation();
    }

    [Fact]
    public void Recent_set_and_rcheck_with_seconds()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        RecentList seen = t.Host.Netfilter.Recent("seen");
        IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
        fwd.Append(new IptRule { Matches = [new RecentMatch(seen, RecentCommand.Check, seconds: 10)], Target = StandardTarget.Accept });
        fwd.Append(new IptRule { Matches = [new RecentMatch(seen, RecentCommand.Set)] }); // no target: only records
        fwd.Append(new IptRule { Target = StandardTarget.Drop });
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        long s = SimTime.PicosPerSecond;
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));      // unknown: recorded, dropped
        bed.SendAt(5 * s, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));  // seen 5 s ago: accepted
        bed.SendAt(12 * s, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2)); // last --set 12 s ago: dropped (and set again)
        bed.SendAt(13 * s, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2)); // set 1 s ago: accepted
        bed.Run();
        Assert.Equal(new[] { 5 * s, 13 * s }, server.Arrivals.Select(a => a.CreatedAt));
        Assert.Equal(2, bed.Pool.Dropped(DropReason.NetfilterDrop));
        // Rules act when the packet enters ip_forward (the hop's decisions come first, its CPU time after).
        Assert.Equal(12 * s + Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + IpReceive + RouteLookup), seen.LastSeen(A("10.0.0.2")));
        bed.AssertConservation();
    }

    [Fact]
    public void Kube_proxy_masquerade_mark_is_set_matched_cleared_and_only_marked_traffic_is_masqueraded()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Client.AddAddress(t.ClientLink.A, "10.0.0.3/24");
        var nat = t.Host.Netfilter.Nat;
        IptChain markMasq = nat.NewChain("KUBE-MARK-MASQ");
        IptChain post = nat.NewChain("KUBE-POSTROUTING");
        markMasq.Append(new IptRule { Target = MarkTarget.Or(0x4000) });
        nat.Builtin(NfInetHook.PreRouting).Append(new IptRule { Source = P("10.0.0.3/32"), Target = StandardTarget.Jump(markMasq) });
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Target = StandardTarget.Jump(post) });
        post.Append(new IptRule { Matches = [new MarkMatch(0x4000, 0x4000) { Invert = true }], Target = StandardTarget.Return });
        post.Append(new IptRule { Target = MarkTarget.Xor(0x4000) });
        post.Append(new IptRule { Target = new MasqueradeTarget() });
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("10.0.0.2", "10.0.1.2", 1, 2));
        bed.SendAt(Step, t.Client, bed.Udp("10.0.0.3", "10.0.1.2", 1, 2));
        bed.Run();
        Assert.Equal(A("10.0.0.2"), server.Arrivals[0].Ip.Source);
        Assert.Equal(A("10.0.1.1"), server.Arrivals[1].Ip.Source);
        Assert.All(server.Arrivals, a => Assert.Equal(0u, a.Mark));
        bed.AssertConservation();
    }

    [Fact]
    public void Addrtype_LOCAL_catches_NodePort_traffic_to_the_hosts_own_address()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        var nat = t.Host.Netfilter.Nat;
        IptChain nodePorts = nat.NewChain("KUBE-NODEPORTS");
        nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Matches = [new AddrTypeMatch { DestinationType = AddrType.Local }], Target = StandardTarget.Jump(nodePorts),
        });
        nodePorts.Append(new IptRule
        {
            Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(30000, 32767), Target = new DnatTarget(A("10.0.1.2"), 8080),
        });
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        Sink hostSink = bed.Sink(t.Host, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.0.1", 1, 30080)); // NodePort on the host's address
        bed.SendAt(Step, t.Client, bed.Udp("0.0.0.0", "10.0.0.1", 1, 22));  // not a NodePort: for the host itself
        bed.Run();
        Assert.Equal(8080, Assert.Single(server.Arrivals).DestinationPort);
        Assert.Equal(22, Assert.Single(hostSink.Arrivals).DestinationPort);
        bed.AssertConservation();
    }
}
