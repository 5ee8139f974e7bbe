using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

public class TcpThroughputTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpThroughputTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(CongestionControlAlgorithm.Cubic)]
    [InlineData(CongestionControlAlgorithm.NewReno)]
    public void One_bulk_flow_on_an_idle_10G_path_reaches_line_rate_times_payload_efficiency(CongestionControlAlgorithm cc)
    {
        var net = new TwoHosts(new LinkSpec { Tcp = new TcpSocketOptions { CongestionControl = cc } });
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        var flow = net.Flows[socket.Flow.Id];

        net.RunUntil(SimTime.FromMilliseconds(20)); // out of slow start
        long bytes0 = flow.BytesDelivered;
        net.RunUntil(SimTime.FromMilliseconds(70));
        double goodput = (flow.BytesDelivered - bytes0) * 8 / 0.050;

        // Each 1500-byte IP packet carries 1448 payload bytes (timestamps on) and occupies 1500 + 14 + 4 (FCS)
        // + 8 (preamble) + 12 (IFG) = 1538 bytes of line time: 10 Gbit/s × 1448/1538 = 9.4148 Gbit/s.
        double expected = 10e9 * 1448 / 1538;
        _out.WriteLine($"{cc}: goodput {goodput / 1e9:F4} Gbit/s, expected {expected / 1e9:F4}; cwnd {socket.CwndSegments}, " +
                       $"retrans {socket.Flow.RetransmittedPackets}, timeouts {socket.Flow.Timeouts}, recoveries {socket.Flow.FastRecoveries}, srtt {socket.SrttPs / 1e6:F1} us");
        Assert.InRange(goodput, expected * 0.98, expected * 1.02);
        net.AssertConservation();
    }
}
