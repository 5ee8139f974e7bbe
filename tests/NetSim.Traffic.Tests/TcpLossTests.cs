using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

public class TcpLossTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpLossTests(ITestOutputHelper output) => _out = output;

    /// <summary>
    /// Mathis et al. (1997): throughput = MSS/RTT · C/√p with C = √(3/2) ≈ 1.22 for Reno-style AIMD. The path (1 Gbit/s,
    /// 10 ms RTT, huge buffers) never caps the window (W = 1.22/√p ≤ 122 segments against a BDP of 860), so loss alone
    /// limits the flow. With SACK (Linux's default) and without (RFC 6582 NewReno recovery).
    /// </summary>
    [Theory]
    [InlineData(1e-4, true, 80)]
    [InlineData(1e-3, true, 40)]
    [InlineData(1e-2, true, 40)]
    [InlineData(1e-3, false, 40)]
    [InlineData(1e-2, false, 40)]
    public void NewReno_under_random_loss_follows_the_Mathis_formula(double p, bool sack, int seconds)
    {
        var net = new TwoHosts(new LinkSpec
        {
            RateBitsPerSecond = 1_000_000_000,
            Propagation = SimTime.FromMilliseconds(5),
            QueueBytes = 16 * 1024 * 1024,
            LossAtoB = p,
            Seed = 7,
            Tcp = new TcpSocketOptions { CongestionControl = CongestionControlAlgorithm.NewReno, Sack = sack },
        });
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        var flow = net.Flows[socket.Flow.Id];
        net.RunUntil(SimTime.FromSeconds(5)); // past the slow-start overshoot
        long before = flow.BytesDelivered;
        net.RunUntil(SimTime.FromSeconds(5 + seconds));
        double throughput = (flow.BytesDelivered - before) * 8.0 / seconds;

        double rtt = 2 * 0.005 + (net.AtoB.SerializationPs(1500) + net.BtoA.SerializationPs(52)) / 1e12;
        double mathis = socket.Mss * 8 / rtt * Math.Sqrt(1.5) / Math.Sqrt(p);
        _out.WriteLine($"p={p} sack={sack}: {throughput / 1e6:F2} Mbit/s vs Mathis {mathis / 1e6:F2} (ratio {throughput / mathis:F3}); " +
                       $"timeouts {socket.Flow.Timeouts}, recoveries {socket.Flow.FastRecoveries}");
        Assert.InRange(throughput / mathis, 0.75, 1.25);
        net.AssertConservation();
    }

    [Fact]
    public void The_retransmission_timeout_doubles_on_each_expiry()
    {
        var net = new TwoHosts();
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.TcpB.Listen(Port, new RecordingHandler());
        var writer = new BulkWriter { TotalBytes = 1000, CloseWhenDone = false };
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(TcpState.Established, socket.State);
        long rto0 = socket.RtoPs;
        // RFC 6298 with Linux's floor: RTO = SRTT + max(4·RTTVAR, 200 ms); one handshake sample of ~10 µs.
        Assert.Equal(socket.SrttPs + LinuxDefaults.RtoMin.Picoseconds, rto0);

        net.AtoB.Down = true;
        writer.OnConnected(socket);
        net.RunFor(SimTime.FromSeconds(30));

        long[] sends = log.Segments.Where(s => s.Length == 1000).Select(s => s.TimePs).ToArray();
        Assert.True(sends.Length >= 6, $"{sends.Length} transmissions");
        for (int i = 1; i < 6; i++)
            Assert.Equal(rto0 << (i - 1), sends[i] - sends[i - 1]);
        Assert.Equal(sends.Length - 1, socket.Flow.Timeouts);
        Assert.Equal(CongestionState.Loss, socket.CongestionState);
        Assert.Equal(1, socket.CwndSegments);

        net.AtoB.Down = false; // the next retransmission gets through and ends the episode
        net.RunFor(SimTime.FromSeconds(40));
        Assert.Equal(1000, socket.BytesAcked);
        Assert.Equal(0, socket.Backoff);
        net.AssertConservation();
    }

    [Fact]
    public void CUBIC_regrows_faster_than_NewReno_after_a_loss_on_a_long_RTT_path()
    {
        (int reno, int renoSsthresh) = CwndAfterSingleLoss(CongestionControlAlgorithm.NewReno);
        (int cubic, int cubicSsthresh) = CwndAfterSingleLoss(CongestionControlAlgorithm.Cubic);
        _out.WriteLine($"3 s after recovery: NewReno {renoSsthresh} -> {reno}, CUBIC {cubicSsthresh} -> {cubic}");
        // NewReno: cwnd = ssthresh = W/2 after recovery, then +1 segment per 100 ms RTT: about +30 in 3 s.
        Assert.InRange(reno - renoSsthresh, 25, 35);
        // CUBIC: ssthresh = 0.7·W_max, then W(t) = 0.4(t − K)³ + W_max with K = ∛(0.3·W_max/0.4) (≈ 12 s here).
        double wMax = cubicSsthresh * 1024.0 / 717;
        double k = Math.Cbrt(wMax * (1 - 717 / 1024.0) / 0.4);
        double t = 3.0 + 0.1; // plus the minimum RTT Linux adds, and about one RTT of recovery
        double expected = 0.4 * Math.Pow(t - k, 3) + wMax;
        Assert.InRange(cubic, expected * 0.97, expected * 1.03);
        Assert.True(cubic - cubicSsthresh > 10 * (reno - renoSsthresh), "CUBIC regrows an order of magnitude faster here");
    }

    private static (int Cwnd, int Ssthresh) CwndAfterSingleLoss(CongestionControlAlgorithm cc)
    {
        var big = new TcpSocketOptions { CongestionControl = cc, SendBufferBytes = 256 << 20, ReceiveBufferBytes = 256 << 20 };
        var net = new TwoHosts(new LinkSpec { Propagation = SimTime.FromMilliseconds(50), QueueBytes = 64 << 20, Tcp = big });
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        while (socket.CwndSegments < 1000) net.RunFor(SimTime.FromMilliseconds(1));
        net.AtoB.DropNext(1);
        while (socket.Flow.FastRecoveries == 0 || socket.CongestionState != CongestionState.Open) net.RunFor(SimTime.FromMilliseconds(1));
        int ssthresh = socket.SsthreshSegments;
        Assert.InRange(socket.CwndSegments, ssthresh, ssthresh * 102 / 100); // recovery ends with cwnd = ssthresh (RFC 6937), then grows
        net.RunFor(SimTime.FromSeconds(3));
        Assert.Equal(1, socket.Flow.FastRecoveries);
        Assert.Equal(0, socket.Flow.Timeouts);
        Assert.Equal(1, net.Pool.Dropped(DropReason.LinkLoss));
        net.AssertConservation();
        return (socket.CwndSegments, ssthresh);
    }
}
