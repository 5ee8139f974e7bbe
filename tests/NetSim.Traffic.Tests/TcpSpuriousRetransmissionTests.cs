using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

/// <summary>
/// With SACK a sender retransmits what was lost and nothing else, and a flow's segments leave in sequence order.
/// The setting is a Linux host's: the application writes on its own core (send() copies the data there) while the
/// NIC's interrupt core processes the ACKs, so both cores transmit the same socket's data.
/// </summary>
public class TcpSpuriousRetransmissionTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpSpuriousRetransmissionTests(ITestOutputHelper output) => _out = output;

    /// <summary>
    /// Before send() returned data to transmit at once, so segments sent by the writer queued behind its own copy
    /// work while the ACK core sent later data: the receiver saw holes, SACKed around them, and the sender
    /// retransmitted data that was never lost.
    /// </summary>
    [Fact]
    public void New_data_reaches_the_wire_in_sequence_order_when_the_writer_and_ACK_cores_differ()
    {
        (TwoHosts net, TcpSocket socket) = Start();
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.RunFor(SimTime.FromMilliseconds(5));
        uint next = socket.InitialSendSequence + 1;
        int outOfOrder = 0;
        foreach (SegmentRecord s in log.Segments)
        {
            if (s.Length == 0) continue;
            if (s.Seq != next) outOfOrder++;
            next = s.Seq + (uint)s.Length;
        }
        _out.WriteLine($"{log.Segments.Count} segments, {outOfOrder} out of order, {socket.Flow.RetransmittedPackets} retransmitted, {socket.BytesAcked} B acked");
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, socket.Flow.RetransmittedPackets);
        Assert.True(socket.BytesAcked > 1_000_000, "the stream kept flowing");
        net.AssertConservation();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(30, 1)]
    [InlineData(30, 3)]
    public void Retransmissions_equal_the_frames_dropped(int burst, int bursts)
    {
        (TwoHosts net, TcpSocket socket) = Start();
        net.RunFor(SimTime.FromMilliseconds(2));
        for (int b = 0; b < bursts; b++)
        {
            net.AtoB.DropNext(burst);
            net.RunFor(SimTime.FromMilliseconds(3));
        }
        long drops = net.Pool.Dropped(DropReason.LinkLoss);
        _out.WriteLine($"burst {burst} x {bursts}: drops {drops}, retransmitted {socket.Flow.RetransmittedPackets}, " +
                       $"timeouts {socket.Flow.Timeouts}, recoveries {socket.Flow.FastRecoveries}, acked {socket.BytesAcked}");
        Assert.Equal(burst * bursts, drops);
        Assert.Equal(drops, socket.Flow.RetransmittedPackets);
        Assert.Equal(0, socket.Flow.Timeouts);
        Assert.Equal(bursts, socket.Flow.FastRecoveries);
        net.AssertConservation();
    }

    /// <summary>10 Gbit/s, 200 µs RTT, a 512 KiB send buffer; A writes on core 1, both hosts take packets in on core 0.</summary>
    private static (TwoHosts Net, TcpSocket Socket) Start()
    {
        var net = new TwoHosts(new LinkSpec
        {
            RateBitsPerSecond = 10_000_000_000,
            Propagation = SimTime.FromMicroseconds(100),
            QueueBytes = 64 << 20,
            CoresPerHost = 2,
            Costs = TestProfiles.Standard,
            Tcp = new TcpSocketOptions { SendBufferBytes = 512 * 1024 },
        });
        net.A.RxCore = 0;
        net.B.RxCore = 0;
        // A tuned host: the writer stays on its own core (wake-affine would pull it onto the ACK core, and the
        // receiver onto its interrupt core, whose queueing then delays ACKs past RACK's window).
        net.NodeA.Cpu.Scheduler.WakeAffine = false;
        net.NodeB.Cpu.Scheduler.WakeAffine = false;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _, core: 1)!;
        return (net, socket);
    }
}
