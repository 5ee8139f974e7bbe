using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

/// <summary>tcp_bound_to_half_wnd: a segment size larger than half the peer's window is cut to half of it.</summary>
public class TcpLoopbackWindowTests
{
    private const ushort Port = 5201;

    [Fact]
    public void On_a_64_KiB_MTU_the_segment_size_is_bounded_by_half_the_initial_window_and_the_stream_flows()
    {
        // MTU 65536: MSS 65496 − 12 = 65484, but the peer's SYN offers only 65496 bytes (65535 in whole segments),
        // so tcp_bound_to_half_wnd sends 32748-byte segments until the window grows past twice the MSS.
        var net = new TwoHosts(new LinkSpec { Mtu = 65536 });
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server);
        TcpSocket client = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        net.RunFor(SimTime.FromMicroseconds(30));
        Assert.Equal(65496 / 2, client.Mss);

        net.RunFor(SimTime.FromMilliseconds(5));
        Assert.True(server.BytesReceived > 1_000_000, $"{server.BytesReceived} bytes received");
        Assert.Equal(65484, client.Mss); // autotuning opened the window past 2 × MSS
        net.AssertConservation();
    }
}
