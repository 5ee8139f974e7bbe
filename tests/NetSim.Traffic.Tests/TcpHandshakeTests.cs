using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class TcpHandshakeTests
{
    private const ushort Port = 5001;

    [Fact]
    public void Three_way_handshake_and_orderly_close_exchange_the_expected_segments_and_states()
    {
        var net = new TwoHosts();
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.BtoA.Tap = log;
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server);
        var client = new RecordingHandler();
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, client, out ConnectError error)!;
        Assert.Equal(ConnectError.None, error);
        Assert.Equal(TcpState.SynSent, socket.State);

        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(TcpState.Established, socket.State);
        TcpSocket accepted = Assert.Single(server.Accepted);
        Assert.Equal(TcpState.Established, accepted.State);
        Assert.Equal(3, log.Segments.Count);
        SegmentRecord syn = log.Segments[0], synAck = log.Segments[1], ack = log.Segments[2];
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal((ushort)1460, syn.MaxSegmentSize);
        Assert.True(syn.SackPermitted && syn.Timestamps && syn.WindowScale);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(syn.Seq + 1, synAck.Ack);
        Assert.True(synAck.SackPermitted && synAck.Timestamps && synAck.WindowScale);
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(synAck.Seq + 1, ack.Ack);
        Assert.Equal(syn.Seq + 1, ack.Seq);
        Assert.True(socket.SackEnabled && socket.TimestampsEnabled);
        Assert.Equal(7, socket.ReceiveWindowScale); // tcp_rmem[2] = 6 MiB needs shift 7
        Assert.Equal(7, socket.SendWindowScale);

        socket.Close();
        Assert.Equal(TcpState.FinWait1, socket.State);
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(6, log.Segments.Count);
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, log.Segments[3].Flags);   // A: FIN
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, log.Segments[4].Flags);   // B: ACK of the FIN rides on B's own FIN
        Assert.Equal(log.Segments[3].Seq + 1, log.Segments[4].Ack);
        Assert.Equal(TcpFlags.Ack, log.Segments[5].Flags);                  // A: last ACK
        Assert.Equal(log.Segments[4].Seq + 1, log.Segments[5].Ack);
        Assert.Equal(TcpState.TimeWait, socket.State);
        Assert.Equal(TcpState.Closed, accepted.State);
        Assert.Equal(new[] { "connected", "peer-closed", "closed:Normal" }, server.Events);
        Assert.Equal(TcpCloseReason.Normal, client.CloseReason);
        Assert.Equal(1, net.TcpA.ConnectionCount); // TIME_WAIT keeps the 4-tuple

        // Zero CPU costs: A entered TIME_WAIT the instant it sent the last ACK. Linux holds it 60 s.
        var timeWaitStart = new SimTime(log.Segments[5].TimePs);
        net.RunUntil(timeWaitStart + LinuxDefaults.TimeWaitLength - SimTime.FromMicroseconds(1));
        Assert.Equal(TcpState.TimeWait, socket.State);
        net.RunUntil(timeWaitStart + LinuxDefaults.TimeWaitLength + SimTime.FromMicroseconds(1));
        Assert.Equal(TcpState.Closed, socket.State);
        Assert.Equal(0, net.TcpA.ConnectionCount);
        net.AssertConservation();
        Assert.Equal(net.Pool.Rented, net.Pool.Delivered + net.Pool.Absorbed);
    }

    [Fact]
    public void A_segment_for_a_port_without_a_socket_is_answered_with_RST_and_counted_as_no_listener()
    {
        var net = new TwoHosts();
        var client = new RecordingHandler();
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, 9, client, out _)!;
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(TcpState.Closed, socket.State);
        Assert.Equal(TcpCloseReason.Reset, client.CloseReason);
        Assert.Equal(1, net.Pool.Dropped(DropReason.NoListener));
        Assert.Equal(1, net.TcpB.Counters.ResetsSent);
        net.AssertConservation();
    }

    [Theory]
    [InlineData(1500, true, 1460, 1448)]
    [InlineData(1500, false, 1460, 1460)]
    [InlineData(1450, true, 1410, 1398)] // VXLAN's inner MTU
    [InlineData(1450, false, 1410, 1410)]
    public void MSS_is_the_MTU_minus_40_and_the_timestamps_option_takes_12_bytes_of_payload(int mtu, bool timestamps, int advertised, int payload)
    {
        var net = new TwoHosts(new LinkSpec { Mtu = mtu, Tcp = new TcpSocketOptions { Timestamps = timestamps } });
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter { TotalBytes = 200_000 }, out _)!;
        net.RunFor(SimTime.FromMilliseconds(5));

        Assert.Equal(advertised, socket.AdvertisedMss);
        Assert.Equal(advertised, log.Segments[0].MaxSegmentSize);
        Assert.Equal(payload, socket.Mss);
        Assert.Equal(payload, log.Segments.Max(s => s.Length)); // full frames carry exactly mss_cache bytes
        int ipLengthOfFullSegment = 20 + 20 + (timestamps ? 12 : 0) + payload;
        Assert.Equal(mtu, ipLengthOfFullSegment);
        Assert.Equal(200_000, net.Flows[socket.Flow.Id].BytesDelivered);
        net.AssertConservation();
    }

    [Fact]
    public void Sequence_numbers_wrap_around_2_to_the_32_without_harm()
    {
        var net = new TwoHosts();
        net.TcpA.IssOffset = uint.MaxValue - 50_000u - (uint)new Transport.ConnectionKey(TwoHosts.AddressA, 32768, TwoHosts.AddressB, Port).GetHashCode() * 2654435761u;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter { TotalBytes = 1_000_000 }, out _)!;
        Assert.True(socket.InitialSendSequence > uint.MaxValue - 100_000u);
        net.RunFor(SimTime.FromMilliseconds(20));
        Assert.True(socket.SendUnacknowledged < 2_000_000u, "the sequence space wrapped");
        Assert.Equal(1_000_000, socket.Flow.BytesSent);
        Assert.Equal(1_000_000, socket.BytesAcked);
        Assert.Equal(1_000_000, net.Flows[socket.Flow.Id].BytesDelivered);
        net.AssertConservation();
    }

    [Fact]
    public void A_connection_reset_while_waiting_for_accept_leaves_the_listener_consistent()
    {
        // accept() takes 1 µs (socket.syscall): a RST arriving before that frees the queue slot exactly once.
        var net = new TwoHosts(new LinkSpec { Costs = Harness.TestProfiles.Standard, Propagation = SimTime.FromNanoseconds(100) });
        var server = new RecordingHandler();
        TcpListener listener = net.TcpB.Listen(Port, server, backlog: 1);
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _)!;
        while (socket.State != TcpState.Established) net.RunFor(SimTime.FromNanoseconds(100));
        socket.Abort();
        Assert.Equal(1, listener.Queued);
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(0, listener.Queued);
        Assert.Equal(0, listener.Accepted);
        Assert.Equal(0, net.TcpB.ConnectionCount);
        Assert.Empty(server.Accepted);

        TcpSocket second = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(TcpState.Established, second.State);
        Assert.Single(server.Accepted);
        Assert.Equal(0, listener.Queued);
        net.AssertConservation();
    }

    [Fact]
    public void The_SYN_leaves_once_connects_system_call_and_socket_setup_are_done()
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard });
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.TcpB.Listen(Port, new RecordingHandler());
        net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _);

        net.RunFor(SimTime.FromMilliseconds(1));
        // socket.syscall 1 us + tcp.connect 5 us on the application's core, then tcp.transmit 1.5 us and ip.output 0.3 us.
        Assert.Equal(1_000_000 + 5_000_000 + 1_500_000 + 300_000, log.Segments[0].TimePs);
        Assert.Equal(TcpFlags.Syn, log.Segments[0].Flags);
    }

    [Fact]
    public void A_socket_closed_while_connect_sets_up_sends_no_SYN()
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard });
        var log = new SegmentLog();
        net.AtoB.Tap = log;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _)!;
        socket.Close();

        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Empty(log.Segments);
        Assert.Equal(TcpState.Closed, socket.State);
        net.AssertConservation();
    }
}
