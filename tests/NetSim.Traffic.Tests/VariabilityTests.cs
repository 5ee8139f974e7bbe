using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Tests.Harness;

namespace NetSim.Traffic.Tests;

/// <summary>
/// Variability on the TCP_RR path of RequestResponseTests (21.304 µs by hand): a fixed wakeup latency adds exactly
/// one per blocked thread, drawn CPU charges keep the mean and spread the tail, and the draws are reproducible.
/// </summary>
public class VariabilityTests
{
    private const long ExactRrPs = 21_304_000; // RequestResponseTests' closed form

    private static (RequestResponseClient Rr, TwoHosts Net) Rr(CostVariability variability, int transactions)
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard.WithVariability(variability) });
        var client = new TrafficEndpoint("A", net.TransportA, TwoHosts.AddressA);
        var server = new TrafficEndpoint("B", net.TransportB, TwoHosts.AddressB);
        var directory = new TransactionDirectory();
        _ = new TransactionServer(server, 12866, directory);
        var rr = new RequestResponseClient(client, directory, new RequestResponseOptions
        {
            Server = TwoHosts.AddressB,
            RequestBytes = Samplers.Constant(100),
            ResponseBytes = Samplers.Constant(200),
            Duration = null,
            Transactions = transactions,
        }, net.Flows);
        rr.Start();
        net.RunFor(SimTime.FromSeconds(1));
        Assert.True(rr.IsDone);
        net.AssertConservation();
        return (rr, net);
    }

    [Fact]
    public void A_fixed_wakeup_latency_adds_one_per_blocked_thread_to_a_round_trip()
    {
        const long wakePs = 700_000;
        var (rr, _) = Rr(new CostVariability { Wakeup = new WakeupLatency { SchedulerMeanPs = wakePs } }, 200);
        // The server's thread waits in recv() for the request, the client's for the response: two wakeups. (The first
        // transactions are longer: the server's thread also wakes in accept() and runs its system call first.)
        Assert.Equal(ExactRrPs + (2 * wakePs), rr.Metrics.TransactionLatency.MinPicoseconds);
        Assert.Equal(ExactRrPs + (2 * wakePs), rr.Metrics.TransactionLatency.PercentilePicoseconds(50), (ExactRrPs + (2 * wakePs)) / 100.0);
        // connect() returns one wakeup after the SYN-ACK.
        var (exact, _) = Rr(CostVariability.None, 1);
        Assert.Equal(exact.Metrics.ConnectLatency.MinPicoseconds + wakePs, rr.Metrics.ConnectLatency.MinPicoseconds);
    }

    [Fact]
    public void Drawn_cpu_costs_keep_the_mean_round_trip_and_give_it_a_tail()
    {
        var (rr, _) = Rr(new CostVariability { Softirq = new WorkSpread(0.55), Task = new WorkSpread(0.55) }, 4000);
        var latency = rr.Metrics.TransactionLatency;
        // An idle path has no queueing, so the mean round trip is the sum of the mean costs and wire times. The RR's
        // 10.92 µs of CPU is 12 charges (1.02, 1.5, 0.3, 0.4, 1.2, 1.02 µs each way); with cv 0.55 the round trip's standard
        // deviation is 0.55 × √(Σ charge²) = 0.55 × 3.48 µs = 1.92 µs.
        double se = 1_920_000 / Math.Sqrt(4000);
        Assert.InRange(latency.MeanPicoseconds, ExactRrPs - (4 * se), ExactRrPs + (4 * se));
        Assert.True(latency.PercentilePicoseconds(99) > latency.PercentilePicoseconds(50) * 1.1,
            $"p99 {latency.PercentilePicoseconds(99)} ps, p50 {latency.PercentilePicoseconds(50)} ps: drawn costs must spread the round trip");
        Assert.True(latency.MinPicoseconds > 10_384_000, "the wire part does not vary"); // 2 × 5 µs propagation + 0.384 µs serialization
    }

    [Fact]
    public void The_same_seed_draws_the_same_run_and_exact_costs_give_every_transaction_the_same_latency()
    {
        var spread = new CostVariability { Softirq = new WorkSpread(0.55), Task = new WorkSpread(0.55), Wakeup = new WakeupLatency { SchedulerMeanPs = 300_000, SchedulerCv = 1 } };
        var (a, netA) = Rr(spread, 500);
        var (b, netB) = Rr(spread, 500);
        Assert.Equal(netA.Sim.Fingerprint, netB.Sim.Fingerprint);
        Assert.Equal(a.Metrics.TransactionLatency.PercentilePicoseconds(99), b.Metrics.TransactionLatency.PercentilePicoseconds(99));
        var (exact, _) = Rr(CostVariability.None, 500);
        var e = exact.Metrics.TransactionLatency;
        Assert.Equal(ExactRrPs, e.MinPicoseconds);
        Assert.Equal(e.PercentilePicoseconds(50), e.PercentilePicoseconds(99)); // p50 = p99: every steady transaction alike
        Assert.NotEqual(a.Metrics.TransactionLatency.PercentilePicoseconds(50), a.Metrics.TransactionLatency.PercentilePicoseconds(99));
    }
}
