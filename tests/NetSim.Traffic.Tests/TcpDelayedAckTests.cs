using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class TcpDelayedAckTests
{
    private const ushort Port = 5001;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_lone_small_segment_is_acknowledged_by_the_delayed_ACK_timer_after_40_ms(bool delayedAck)
    {
        var net = new TwoHosts(new LinkSpec { Tcp = new TcpSocketOptions { DelayedAck = delayedAck } });
        var data = new SegmentLog();
        var acks = new SegmentLog();
        net.AtoB.Tap = data;
        net.BtoA.Tap = acks;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter { TotalBytes = 100_000, CloseWhenDone = false }, out _)!;
        net.RunFor(SimTime.FromMilliseconds(100)); // 70 segments: the 16 quick ACKs at the start are used up
        Assert.Equal(100_000, socket.BytesAcked);

        socket.Send(100);
        net.RunFor(SimTime.FromMilliseconds(100));
        SegmentRecord sent = data.Segments.Last(s => s.Length == 100);
        SegmentRecord ack = acks.Segments.Last();
        long arrival = sent.TimePs + net.AtoB.SerializationPs(20 + 32 + 100) + net.Spec.Propagation.Picoseconds;
        long expectedDelay = delayedAck ? LinuxDefaults.DelayedAckTimeout.Picoseconds : 0;
        Assert.Equal(sent.Seq + 100, ack.Ack);
        Assert.Equal(arrival + expectedDelay, ack.TimePs);
        net.AssertConservation();
    }

    [Fact]
    public void The_receiver_acknowledges_every_second_full_segment_once_quick_acks_are_spent()
    {
        var net = new TwoHosts();
        var acks = new SegmentLog();
        net.BtoA.Tap = acks;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter { TotalBytes = 2_000_000, CloseWhenDone = false }, out _)!;
        net.RunFor(SimTime.FromMilliseconds(50));
        Assert.Equal(2_000_000, socket.BytesAcked);
        var dataAcks = acks.Segments.Where(s => s.Flags == TcpFlags.Ack).Select(s => s.Ack).Distinct().ToArray();
        long segments = (2_000_000 + socket.Mss - 1) / socket.Mss;
        // 16 quick ACKs, then one per two segments: about segments / 2 + 8.
        Assert.InRange(dataAcks.Length, segments / 2, segments / 2 + 20);
        net.AssertConservation();
    }
}
