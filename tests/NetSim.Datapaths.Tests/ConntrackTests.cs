using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class ConntrackTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);
    private static readonly long Second = SimTime.PicosPerSecond;
    private static readonly long Ms = SimTime.PicosPerMillisecond;

    [Fact]
    public void A_full_table_of_assured_connections_drops_new_ones()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Conntrack.Mode = ConntrackMode.On;
        t.Host.Conntrack.Max = 2;
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        server.OnPacket = Replies.EchoUdp(bed, t.Server);
        bed.Sink(t.Client, Ipv4Header.ProtocolUdp);
        for (ushort flow = 1; flow <= 2; flow++)
        {
            bed.SendAt(flow * Ms, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", flow, 7));
            bed.SendAt(3 * Second + flow * Ms, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", flow, 7)); // replied and 2 s old: a stream
        }
        bed.SendAt(4 * Second, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 3, 7));
        bed.Run();
        Assert.All(t.Host.Conntrack.Entries, e => Assert.True(e.IsAssured));
        Assert.Equal(1, bed.Pool.Dropped(DropReason.ConntrackFull));
        Assert.Equal(1, t.Host.Conntrack.Dropped);
        Assert.Equal(0, t.Host.Conntrack.EarlyDropped);
        Assert.Equal(4, server.Arrivals.Count);
        bed.AssertConservation();
    }

    [Fact]
    public void A_full_table_early_drops_the_oldest_unassured_connection_instead()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Conntrack.Mode = ConntrackMode.On;
        t.Host.Conntrack.Max = 2;
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        for (ushort flow = 1; flow <= 3; flow++) bed.SendAt(flow * Ms, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", flow, 7));
        bed.RunUntil(Second);
        Assert.Equal(3, server.Arrivals.Count);
        Assert.Equal(1, t.Host.Conntrack.EarlyDropped);
        Assert.Equal(new ushort[] { 2, 3 }, t.Host.Conntrack.Entries.Select(e => e.Original.SourcePort));
        bed.AssertConservation();
    }

    [Fact]
    public void UDP_entries_expire_after_30_s_unreplied_and_120_s_as_a_stream()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Conntrack.Mode = ConntrackMode.On;
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp); // silent at first: flow 1 gets no replies
        Sink replied = bed.Sink(t.Client, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 7));
        bed.RunUntil(29 * Second);
        Assert.Single(t.Host.Conntrack.Entries);
        bed.RunUntil(31 * Second);
        Assert.Equal(1, t.Host.Conntrack.Collect());

        long start = 40 * Second;
        server.OnPacket = Replies.EchoUdp(bed, t.Server);
        bed.SendAt(start, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 2, 7));
        bed.SendAt(start + 3 * Second, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 2, 7));
        bed.RunUntil(start + 4 * Second);
        ConntrackEntry e = Assert.Single(t.Host.Conntrack.Entries);
        Assert.True(e.IsAssured);
        long lastReply = replied.Arrivals[^1].At;
        Assert.InRange(e.ExpiresAt - lastReply, 119 * Second, 120 * Second); // refreshed by the reply to 120 s
        bed.AssertConservation();
    }

    [Fact]
    public void TCP_is_tracked_through_handshake_and_close_with_the_kernel_timeouts()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        ConntrackTable ct = t.Host.Conntrack;
        ct.Mode = ConntrackMode.On;
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolTcp);
        server.OnPacket = Replies.AnswerTcp(bed, t.Server);
        Sink client = bed.Sink(t.Client, Ipv4Header.ProtocolTcp);

        bed.SendAt(0, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 40000, 80, TcpFlags.Syn, seq: 1));
        bed.RunUntil(Ms);
        ConntrackEntry e = Assert.Single(ct.Entries);
        Assert.Equal(TcpConntrackState.SynRecv, e.TcpState); // SYN then SYN-ACK seen
        Assert.InRange(e.ExpiresAt, ConntrackTimeouts.TcpSynRecvSeconds * Second, ConntrackTimeouts.TcpSynRecvSeconds * Second + Ms);
        Assert.Single(client.Arrivals);

        bed.SendAt(2 * Ms, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 40000, 80, TcpFlags.Ack, seq: 2, ack: 1001));
        bed.RunUntil(3 * Ms);
        Assert.Equal(TcpConntrackState.Established, e.TcpState);
        Assert.True(e.IsAssured);
        Assert.InRange(e.ExpiresAt - 2 * Ms, ConntrackTimeouts.TcpEstablishedSeconds * Second, ConntrackTimeouts.TcpEstablishedSeconds * Second + Ms);

        bed.SendAt(4 * Ms, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 40000, 80, TcpFlags.Fin | TcpFlags.Ack, seq: 2, ack: 1001));
        bed.RunUntil(5 * Ms);
        Assert.Equal(TcpConntrackState.LastAck, e.TcpState); // FIN, then the server's FIN-ACK
        bed.SendAt(6 * Ms, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 40000, 80, TcpFlags.Ack, seq: 3, ack: 1002));
        bed.RunUntil(7 * Ms);
        Assert.Equal(TcpConntrackState.TimeWait, e.TcpState);
        Assert.InRange(e.ExpiresAt - 6 * Ms, ConntrackTimeouts.TcpTimeWaitSeconds * Second, ConntrackTimeouts.TcpTimeWaitSeconds * Second + Ms);

        bed.RunUntil(7 * Ms + 121 * Second);
        Assert.Equal(1, ct.Collect());
        bed.AssertConservation();
    }

    [Fact]
    public void A_reset_closes_the_connection_with_a_10_s_timeout_and_a_lone_reset_is_invalid()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        ConntrackTable ct = t.Host.Conntrack;
        ct.Mode = ConntrackMode.On;
        var invalid = new IptRule { Matches = [new ConntrackStateMatch(CtState.Invalid)] };
        t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(invalid);
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolTcp);
        bed.SendAt(0, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 1, 80, TcpFlags.Rst));
        bed.SendAt(Ms, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 2, 80, TcpFlags.Syn));
        bed.SendAt(2 * Ms, t.Client, bed.Tcp("10.0.0.2", "10.0.1.2", 2, 80, TcpFlags.Rst));
        bed.RunUntil(3 * Ms);
        Assert.Equal(1, invalid.Packets);
        ConntrackEntry e = Assert.Single(ct.Entries);
        Assert.Equal(TcpConntrackState.Close, e.TcpState);
        Assert.InRange(e.ExpiresAt - 2 * Ms, ConntrackTimeouts.TcpCloseSeconds * Second, ConntrackTimeouts.TcpCloseSeconds * Second + Ms);
        Assert.Equal(3, server.Arrivals.Count); // INVALID is a state, not a verdict
        bed.AssertConservation();
    }

    [Fact]
    public void An_ICMP_error_about_a_DNATed_connection_is_RELATED_and_translated_back()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.ServerLink.A.Mtu = 1000; // the host's link to the server is narrower than the client's
        t.Host.Netfilter.Nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = Ipv4Prefix.Parse("10.96.0.10/32"), Protocol = Ipv4Header.ProtocolUdp, Target = new DnatTarget(A("10.0.1.2"), 5353),
        });
        var related = new IptRule { Matches = [new ConntrackStateMatch(CtState.Related)] };
        t.Host.Netfilter.Filter.Builtin(NfInetHook.LocalOut).Append(related);
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        Ipv4Header embedded = default;
        UdpHeader embeddedUdp = default;
        icmp.OnPacket = p =>
        {
            int ip = p.IndexOfOuter(HeaderKind.Ipv4);
            embedded = p.Layer(ip - 2).Ipv4;
            embeddedUdp = p.Layer(ip - 3).Udp;
        };
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 40000, 53, payload: 100, df: true));  // confirms the connection
        bed.SendAt(Ms, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 40000, 53, payload: 1200, df: true)); // too big for the server link
        bed.Run();

        Assert.Single(server.Arrivals);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.MtuExceeded));
        Arrival e = Assert.Single(icmp.Arrivals);
        Assert.Equal((IcmpHeader.CodeFragmentationNeeded, (ushort)1000), (e.Icmp.Code, e.Icmp.NextHopMtu));
        Assert.Equal(A("10.96.0.10"), e.Ip.Source); // the outer source looks like the Service, as the client expects
        Assert.Equal((A("10.0.0.2"), A("10.96.0.10")), (embedded.Source, embedded.Destination)); // embedded datagram un-DNATed
        Assert.Equal(53, embeddedUdp.DestinationPort);
        Assert.Equal(1, related.Packets);
        bed.AssertConservation();
    }

    [Fact]
    public void Rejecting_the_first_packet_of_a_DNATed_connection_leaves_the_error_untranslated_as_in_the_kernel()
    {
        // The entry is never confirmed (REJECT in FORWARD comes before POSTROUTING), so icmp_send's error finds no
        // connection: kube-proxy therefore REJECTs endpoint-less Services in the filter table, without DNAT.
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Netfilter.Nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = Ipv4Prefix.Parse("10.96.0.10/32"), Protocol = Ipv4Header.ProtocolUdp, Target = new DnatTarget(A("10.0.1.2"), 9),
        });
        t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(new IptRule
        {
            Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(9), Target = new RejectTarget(),
        });
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 40000, 53));
        bed.Run();
        Assert.Equal(A("10.0.0.1"), Assert.Single(icmp.Arrivals).Ip.Source);
        Assert.Equal(0, t.Host.Conntrack.Count);
        bed.AssertConservation();
    }

    [Fact]
    public void Conntrack_off_or_NOTRACK_leaves_packets_untracked_and_untranslated()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Netfilter.Nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = Ipv4Prefix.Parse("10.96.0.10/32"), Target = new DnatTarget(A("10.0.1.2")),
        });
        t.Host.Netfilter.Raw.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(5), Target = NotrackTarget.Instance,
        });
        var untracked = new IptRule { Matches = [new ConntrackStateMatch(CtState.Untracked)] };
        t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(untracked);
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 5)); // NOTRACK
        bed.SendAt(Ms, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 1, 5)); // NOTRACK: no DNAT, no route for the VIP
        bed.RunUntil(2 * Ms);
        Assert.Single(server.Arrivals);
        Assert.Equal(1, untracked.Packets);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoRoute));
        Assert.Equal(0, t.Host.Conntrack.Count);

        t.Host.Conntrack.Mode = ConntrackMode.Off;
        bed.SendAt(3 * Ms, t.Client, bed.Udp("0.0.0.0", "10.96.0.10", 1, 6)); // conntrack off: no DNAT either
        bed.Run();
        Assert.Equal(2, bed.Pool.Dropped(DropReason.NoRoute));
        Assert.Equal(0, t.Host.Conntrack.Count);
        bed.AssertConservation();
    }

    [Fact]
    public void Conntrack_in_a_namespace_costs_a_lookup_and_an_insert_on_each_side()
    {
        long Latency(bool conntrack)
        {
            var bed = new TestBed();
            var t = Topologies.TwoNamespaces(bed);
            if (conntrack)
            {
                t.A.Conntrack.Mode = ConntrackMode.On;
                t.B.Conntrack.Mode = ConntrackMode.On;
            }
            Sink sink = bed.Sink(t.B, Ipv4Header.ProtocolUdp);
            bed.SendAt(0, t.A, bed.Udp("0.0.0.0", "10.0.0.2", 1, 2));
            bed.Run();
            bed.AssertConservation();
            return Assert.Single(sink.Arrivals).At;
        }
        // OUTPUT lookup + POSTROUTING insert in A; PREROUTING lookup + INPUT insert in B.
        Assert.Equal(Ns(2 * (ConntrackLookup + ConntrackInsert)), Latency(true) - Latency(false));
    }
}
