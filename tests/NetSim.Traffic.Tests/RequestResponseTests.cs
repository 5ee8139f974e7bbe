using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Randomness.Distributions;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class RequestResponseTests
{
    private static (TwoHosts Net, TrafficEndpoint Client, TrafficEndpoint Server, TransactionDirectory Directory) Setup(LinkSpec spec)
    {
        var net = new TwoHosts(spec);
        var client = new TrafficEndpoint("A", net.TransportA, TwoHosts.AddressA);
        var server = new TrafficEndpoint("B", net.TransportB, TwoHosts.AddressB);
        return (net, client, server, new TransactionDirectory());
    }

    [Fact]
    public void TCP_RR_latency_on_an_idle_path_is_the_sum_of_the_hop_costs_and_wire_times_both_ways()
    {
        var (net, client, server, directory) = Setup(new LinkSpec { Costs = TestProfiles.Standard });
        _ = new TransactionServer(server, 12866, directory);
        var rr = new RequestResponseClient(client, directory, new RequestResponseOptions
        {
            Server = TwoHosts.AddressB,
            RequestBytes = Samplers.Constant(100),
            ResponseBytes = Samplers.Constant(200),
            Duration = null,
            Transactions = 200,
        }, net.Flows);
        rr.Start();
        net.RunFor(SimTime.FromMilliseconds(50));
        Assert.True(rr.IsDone);
        Assert.Equal(200, rr.Metrics.Transactions);

        // By hand (µs), request 100 B, response 200 B, 5 µs propagation, 10 Gbit/s:
        //   client send()      1 + 0.2 ns × 100        = 1.02
        //   tcp.transmit + ip.output                    = 1.5 + 0.3
        //   wire: (20 IP + 32 TCP + 100 + 18 Eth/FCS + 20 preamble/IFG) × 8 / 10 G = 0.152, + 5 propagation
        //   server ip.receive + tcp.receive             = 0.4 + 1.2
        //   server recv()      1 + 0.02                 = 1.02
        //   server send()      1 + 0.2 ns × 200         = 1.04
        //   tcp.transmit + ip.output                    = 1.5 + 0.3
        //   wire: (20 + 32 + 200 + 38) × 8 / 10 G = 0.232, + 5
        //   client ip.receive + tcp.receive + recv()    = 0.4 + 1.2 + 1.04
        // The ACKs ride on the requests and responses (interactive mode), so nothing else touches the cores or wire.
        long expectedPs = 1_020_000 + 1_500_000 + 300_000 + 152_000 + 5_000_000 + 400_000 + 1_200_000 + 1_020_000
                        + 1_040_000 + 1_500_000 + 300_000 + 232_000 + 5_000_000 + 400_000 + 1_200_000 + 1_040_000;
        Assert.Equal(21_304_000, expectedPs);
        Assert.Equal(expectedPs, rr.Metrics.TransactionLatency.MinPicoseconds);
        Assert.InRange(rr.Metrics.TransactionLatency.PercentilePicoseconds(99), expectedPs * 0.99, expectedPs * 1.01);
        var record = rr.Metrics.Snapshot(net.Sim.NowPicoseconds);
        Assert.InRange(record.TransactionsPerSecond, 1e12 / expectedPs * 0.99, 1e12 / expectedPs * 1.01);
        net.RunFor(SimTime.FromSeconds(61)); // past TIME_WAIT
        Assert.Equal(0, net.TcpA.ConnectionCount + net.TcpB.ConnectionCount);
        net.AssertConservation();
    }

    [Fact]
    public void TCP_RR_with_distributed_sizes_and_several_transactions_in_flight_matches_bytes_on_both_sides()
    {
        var (net, client, server, directory) = Setup(new LinkSpec { Costs = TestProfiles.Standard });
        var srv = new TransactionServer(server, 12866, directory);
        var random = new Random(42);
        var rr = new RequestResponseClient(client, directory, new RequestResponseOptions
        {
            Server = TwoHosts.AddressB,
            RequestBytes = Samplers.Uniform(1, 20_000, random),
            ResponseBytes = Samplers.Uniform(1, 200_000, random),
            InFlight = 4,
            Duration = null,
            Transactions = 500,
        }, net.Flows);
        rr.Start();
        net.RunFor(SimTime.FromSeconds(1));
        Assert.True(rr.IsDone);
        Assert.Equal(500, rr.Metrics.Transactions);
        Assert.Equal(500, srv.RequestsServed);
        int flowId = Assert.Single(rr.Metrics.FlowIds);
        var up = net.Flows[flowId];
        var down = net.Flows[up.PeerFlowId];
        Assert.Equal(rr.Metrics.BytesSent, up.BytesDelivered);
        Assert.Equal(rr.Metrics.BytesReceived, down.BytesDelivered);
        net.AssertConservation();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TCP_CRR_opens_a_connection_per_transaction_and_TIME_WAIT_stays_with_the_active_closer(bool clientClosesFirst)
    {
        var (net, client, server, directory) = Setup(new LinkSpec { Costs = TestProfiles.Standard });
        _ = new TransactionServer(server, 12866, directory);
        var crr = new ConnectRequestResponseClient(client, directory, new ConnectRequestResponseOptions
        {
            Server = TwoHosts.AddressB,
            Duration = null,
            Transactions = 300,
            ClientClosesFirst = clientClosesFirst,
        }, net.Flows);
        crr.Start();
        net.RunFor(SimTime.FromMilliseconds(100));
        Assert.Equal(300, crr.Metrics.Transactions);
        Assert.Equal(300, crr.Metrics.ConnectionsOpened);
        Assert.True(crr.IsDone);
        Assert.Equal(300, crr.Metrics.ConnectLatency.Count);
        // The transaction includes the handshake: at least one round trip more than connect() alone.
        Assert.True(crr.Metrics.TransactionLatency.MinPicoseconds > crr.Metrics.ConnectLatency.MinPicoseconds + 10_000_000);
        (int clientSockets, int serverSockets) = (net.TcpA.ConnectionCount, net.TcpB.ConnectionCount);
        Assert.Equal(clientClosesFirst ? 300 : 0, clientSockets);
        Assert.Equal(clientClosesFirst ? 0 : 300, serverSockets);
        net.RunFor(SimTime.FromSeconds(61));
        Assert.Equal(0, net.TcpA.ConnectionCount + net.TcpB.ConnectionCount);
        net.AssertConservation();
    }

    [Fact]
    public void Open_loop_Poisson_arrivals_come_at_the_configured_rate_and_every_flow_completes()
    {
        var (net, client, server, directory) = Setup(new LinkSpec());
        _ = new TransactionServer(server, 8080, directory);
        var random = new RandomStream(3); // an engine stream, as the scenario layer passes: gaps from the ziggurat
        var sizes = Samplers.EmpiricalCdf([(1_000, 0.5), (10_000, 0.9), (100_000, 1.0)], random);
        var open = new OpenLoopClient(client, directory, new OpenLoopOptions
        {
            Server = TwoHosts.AddressB,
            InterArrivalSeconds = Samplers.Exponential(1.0 / 2000, random),
            RequestBytes = sizes,
            Duration = SimTime.FromSeconds(1),
        }, net.Flows);
        open.Start();
        net.RunFor(SimTime.FromSeconds(2));
        // Poisson(2000): within four standard deviations (√2000 ≈ 45).
        Assert.InRange(open.Arrivals, 2000 - 180, 2000 + 180);
        Assert.Equal(open.Arrivals, open.Metrics.Transactions);
        var gaps = open.ArrivalTimes.Zip(open.ArrivalTimes.Skip(1), (a, b) => (b - a) / 1e12).ToArray();
        Assert.InRange(gaps.Average(), 1.0 / 2000 * 0.93, 1.0 / 2000 * 1.07);
        // One-way flows: no faster than the handshake (one 10 µs round trip) plus the data's 5 µs trip: 1.5 RTT.
        Assert.True(open.Metrics.TransactionLatency.MinPicoseconds > 15_000_000);
        Assert.True(open.Metrics.TransactionLatency.MinPicoseconds < 17_000_000); // plus serialization of SYN, SYN-ACK, ACK and 1000 B
        net.AssertConservation();
    }

    [Fact]
    public void Exponential_gaps_from_an_engine_stream_are_the_engines_exponential_draws_with_that_mean()
    {
        Func<double> sampler = Samplers.Exponential(0.25, new RandomStream(12));
        var reference = new RandomStream(12);
        var exponential = new Exponential(0.25);
        for (int i = 0; i < 1000; i++) Assert.Equal(exponential.Sample(reference), sampler());
        double mean = Enumerable.Range(0, 200_000).Select(_ => sampler()).Average();
        Assert.InRange(mean, 0.25 * (1 - (5 / Math.Sqrt(200_000))), 0.25 * (1 + (5 / Math.Sqrt(200_000)))); // 5 standard errors
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Exponential(0, new RandomStream(1)));
    }

    [Fact]
    public void An_empirical_CDF_sampler_reproduces_the_table_mean()
    {
        var sampler = Samplers.EmpiricalCdf([(1_000, 0.5), (10_000, 0.9), (100_000, 1.0)], new Random(11));
        double mean = Enumerable.Range(0, 200_000).Select(_ => sampler()).Average();
        // 0.5 × 1000 (a point mass) + 0.4 × 5500 + 0.1 × 55000 = 8200.
        Assert.InRange(mean, 8200 * 0.98, 8200 * 1.02);
    }
}
