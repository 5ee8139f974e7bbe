using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class TcpNagleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nagle_holds_a_second_small_write_until_the_first_is_acknowledged_unless_TCP_NODELAY(bool noDelay)
    {
        var net = new TwoHosts(new LinkSpec { Tcp = new TcpSocketOptions { NoDelay = noDelay } });
        var data = new SegmentLog();
        net.AtoB.Tap = data;
        net.TcpB.Listen(5001, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, 5001, new RecordingHandler(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(1));

        socket.Send(100);
        socket.Send(100);
        net.RunFor(SimTime.FromMilliseconds(1));

        long[] sends = data.Segments.Where(s => s.Length > 0).Select(s => s.TimePs).ToArray();
        Assert.Equal(2, sends.Length);
        // Without TCP_NODELAY the second write waits one round trip for the (quick) ACK of the first.
        long rtt = 2 * net.Spec.Propagation.Picoseconds + net.AtoB.SerializationPs(152) + net.BtoA.SerializationPs(52);
        Assert.Equal(noDelay ? 0 : rtt, sends[1] - sends[0]);
        Assert.Equal(200, socket.BytesAcked);
        net.AssertConservation();
    }
}
