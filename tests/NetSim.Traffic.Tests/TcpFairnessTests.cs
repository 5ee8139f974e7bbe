using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

public class TcpFairnessTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpFairnessTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(CongestionControlAlgorithm.NewReno)]
    [InlineData(CongestionControlAlgorithm.Cubic)]
    public void Two_flows_sharing_a_bottleneck_converge_to_equal_shares(CongestionControlAlgorithm cc)
    {
        // 100 Mbit/s, 2 ms RTT (BDP 25 kB), drop-tail queue of 2 BDP; the second flow starts 1 s late.
        var net = new TwoHosts(new LinkSpec
        {
            RateBitsPerSecond = 100_000_000,
            Propagation = SimTime.FromMilliseconds(1),
            QueueBytes = 50_000,
            Tcp = new TcpSocketOptions { CongestionControl = cc },
        });
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket first = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        net.RunUntil(SimTime.FromSeconds(1));
        TcpSocket second = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        net.RunUntil(SimTime.FromSeconds(11)); // converge
        long a0 = net.Flows[first.Flow.Id].BytesDelivered, b0 = net.Flows[second.Flow.Id].BytesDelivered;
        net.RunUntil(SimTime.FromSeconds(41));
        double a = (net.Flows[first.Flow.Id].BytesDelivered - a0) * 8 / 30.0;
        double b = (net.Flows[second.Flow.Id].BytesDelivered - b0) * 8 / 30.0;
        double mean = (a + b) / 2;
        _out.WriteLine($"{cc}: {a / 1e6:F2} and {b / 1e6:F2} Mbit/s; total {(a + b) / 1e6:F2}");
        Assert.InRange(a, mean * 0.9, mean * 1.1);
        Assert.InRange(b, mean * 0.9, mean * 1.1);
        Assert.InRange(a + b, 100e6 * 1448 / 1538 * 0.9, 100e6 * 1448 / 1538 * 1.001); // the link stays busy (reads are 128 KiB grains)
        net.AssertConservation();
    }
}
