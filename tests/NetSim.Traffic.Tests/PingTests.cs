using NetSim.Engine.Core;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Tests.Harness;

namespace NetSim.Traffic.Tests;

public class PingTests
{
    private static (TwoHosts Net, PingClient Ping, EchoResponder Responder) Setup(LinkSpec spec, PingOptions options)
    {
        var net = new TwoHosts(spec);
        var responder = new EchoResponder(net.B);
        var ping = new PingClient(new TrafficEndpoint("A", net.TransportA, TwoHosts.AddressA), options, net.Flows);
        ping.Start();
        return (net, ping, responder);
    }

    [Fact]
    public void An_echo_round_trip_is_the_sum_of_the_hop_costs_and_wire_times_both_ways()
    {
        var (net, ping, responder) = Setup(new LinkSpec { Costs = TestProfiles.Standard },
            new PingOptions { Destination = TwoHosts.AddressB, Count = 20, Interval = SimTime.FromMilliseconds(1) });
        net.RunFor(SimTime.FromMilliseconds(30));

        // By hand (µs), iputils' 56 data bytes (64 ICMP, 84 IP), 5 µs propagation, 10 Gbit/s:
        //   sendto()            1 + 0.2 ns × 56                  = 1.0112
        //   icmp.send + ip.output                                 = 0.7 + 0.3
        //   wire: (84 + 18 Eth/FCS + 20 preamble/IFG) × 8 / 10 G  = 0.0976, + 5 propagation
        //   B ip.receive, kernel echo reply icmp.send, ip.output  = 0.4 + 0.7 + 0.3
        //   wire back                                             = 0.0976 + 5
        //   A ip.receive, ping_rcv (udp.receive), recvmsg()       = 0.4 + 0.9 + 1.0112
        long expectedPs = 1_011_200 + 700_000 + 300_000 + 97_600 + 5_000_000 + 400_000 + 700_000 + 300_000
                        + 97_600 + 5_000_000 + 400_000 + 900_000 + 1_011_200;
        Assert.Equal(15_917_600, expectedPs);
        Assert.True(ping.IsDone);
        Assert.Equal(20, ping.EchoesSent);
        Assert.Equal(20, responder.Answered);
        Assert.Equal(20, ping.Metrics.Transactions);
        Assert.Equal(expectedPs, ping.Metrics.TransactionLatency.MinPicoseconds);
        Assert.Equal(expectedPs, ping.Metrics.TransactionLatency.MaxPicoseconds); // an idle path: every echo alike
        var record = ping.Snapshot(net.Sim.NowPicoseconds);
        Assert.Equal(0, record.Lost);
        Assert.Equal(20 * 56, record.BytesReceived);
        net.AssertConservation();
    }

    [Fact]
    public void Every_echo_the_wire_drops_is_counted_lost_and_the_rest_received()
    {
        var (net, ping, _) = Setup(new LinkSpec { Costs = TestProfiles.Standard, LossAtoB = 0.2, Seed = 5 },
            new PingOptions { Destination = TwoHosts.AddressB, Count = 500, Interval = SimTime.FromMicroseconds(100), Timeout = SimTime.FromMilliseconds(1) });
        net.RunFor(SimTime.FromMilliseconds(100));
        var record = ping.Snapshot(net.Sim.NowPicoseconds);
        long dropped = net.Flows[Assert.Single(record.FlowIds)].Snapshot(net.Sim.NowPicoseconds).Drops.Values.Sum();
        Assert.Equal(500, record.PacketsSent);
        Assert.Equal(dropped, record.Lost);
        Assert.Equal(500 - dropped, record.Transactions);
        Assert.InRange(record.Lost, 64, 136); // Binomial(500, 0.2): 100 ± 4σ (σ ≈ 8.9)
        net.AssertConservation();
    }

    [Fact]
    public void Echoes_still_awaiting_a_reply_are_in_flight_not_lost_until_the_timeout()
    {
        var (net, ping, _) = Setup(new LinkSpec { Costs = TestProfiles.Standard, Propagation = SimTime.FromMilliseconds(5) },
            new PingOptions { Destination = TwoHosts.AddressB, Duration = SimTime.FromMilliseconds(20), Interval = SimTime.FromMilliseconds(1), Timeout = SimTime.FromMilliseconds(50) });
        net.RunFor(SimTime.FromMicroseconds(8_500)); // nine echoes sent; the first reply is due just after 10 ms
        var early = ping.Snapshot(net.Sim.NowPicoseconds);
        Assert.Equal(9, early.PacketsSent);
        Assert.Equal(0, early.Transactions);
        Assert.Equal(0, early.Lost);
        net.RunFor(SimTime.FromMilliseconds(100));
        var done = ping.Snapshot(net.Sim.NowPicoseconds);
        Assert.Equal(20, done.PacketsSent);
        Assert.Equal(20, done.Transactions);
        Assert.Equal(0, done.Lost);
        Assert.InRange(ping.Metrics.TransactionLatency.MinPicoseconds, 10_000_000_000, 10_100_000_000);
    }

    [Fact]
    public void An_echo_whose_send_fails_counts_as_transmitted_and_lost_as_iputils_counts_it()
    {
        var (net, ping, _) = Setup(new LinkSpec { Costs = TestProfiles.Standard },
            new PingOptions { Destination = TwoHosts.AddressB, Count = 10, Interval = SimTime.FromMilliseconds(1), Timeout = SimTime.FromMilliseconds(2) });
        net.RunFor(SimTime.FromMicroseconds(4_500)); // echoes 1-5 sent and answered
        var egress = net.A.Egress;
        net.A.Egress = null; // no route: sendto() fails for echoes 6-10
        net.RunFor(SimTime.FromMilliseconds(20));
        var done = ping.Snapshot(net.Sim.NowPicoseconds);
        Assert.Equal(10, done.PacketsSent); // "Hard local error. Pretend we sent packet." (iputils ping_common.c)
        Assert.Equal(5, done.Transactions);
        Assert.Equal(5, done.Lost);
        Assert.Equal(0, done.PacketsSent - done.PacketsReceived - done.Lost); // nothing left in flight
        Assert.Equal(5 * 56, done.BytesSent); // the failed ones carried no bytes onto the wire
        net.A.Egress = egress;
    }
}
