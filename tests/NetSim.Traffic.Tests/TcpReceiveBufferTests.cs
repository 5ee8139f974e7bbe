using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

/// <summary>Receive-buffer autotuning (tcp_rcv_space_adjust, tcp_grow_window) and the window it advertises.</summary>
public class TcpReceiveBufferTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpReceiveBufferTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void A_new_connection_starts_at_tcp_rmem_default_and_offers_half_of_it_in_whole_segments()
    {
        var net = new TwoHosts();
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server);
        TcpSocket client = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _)!;
        net.RunFor(SimTime.FromMicroseconds(100));

        TcpSocket accepted = Assert.Single(server.Accepted);
        Assert.Equal(LinuxDefaults.TcpRmemDefault, client.ReceiveBuffer);
        Assert.Equal(LinuxDefaults.TcpRmemDefault, accepted.ReceiveBuffer);
        Assert.Equal(7, client.ReceiveWindowScale); // sized for tcp_rmem[2] = 6 MiB, the most autotuning may reach
        // SYN-ACK: half of 131072 (tcp_adv_win_scale = 1) = 65536, unscaled at most 65535, in whole 1460-byte
        // segments: 44 × 1460 = 64240.
        Assert.Equal(64240, accepted.ReceiveWindowAdvertised);
        // The client's handshake ACK keeps the right edge its SYN promised (64240), rounded up to the 2^7
        // granularity: 502 × 128 = 64256 (Linux's third segment shows "win 502").
        Assert.Equal(64256, client.ReceiveWindowAdvertised);
    }

    [Fact]
    public void A_fast_reader_on_a_long_path_grows_the_buffer_to_tcp_rmem_max_and_the_window_limits_goodput()
    {
        // RTT 10 ms at 10 Gbit/s: 12.5 MB in flight would be needed, more than tcp_rmem[2] offers. The send
        // buffer is fixed well above that so only the receive window can limit the flow.
        var net = new TwoHosts(new LinkSpec
        {
            Propagation = SimTime.FromMilliseconds(5),
            QueueBytes = 64 << 20,
            Tcp = new TcpSocketOptions { SendBufferBytes = 16 << 20 },
        });
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server);
        TcpSocket client = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        net.RunFor(SimTime.FromMicroseconds(30_000));
        TcpSocket receiver = Assert.Single(server.Accepted);

        long previous = receiver.ReceiveBuffer;
        bool grew = false;
        for (int i = 0; i < 40; i++)
        {
            net.RunFor(SimTime.FromMilliseconds(10));
            Assert.True(receiver.ReceiveBuffer >= previous, "autotuning never shrinks the buffer");
            Assert.True(receiver.ReceiveBuffer <= LinuxDefaults.TcpRmemMax, "capped at tcp_rmem[2]");
            Assert.True(receiver.ReceiveWindowAdvertised <= receiver.ReceiveBuffer / 2, "at most half the buffer (tcp_adv_win_scale = 1)");
            grew |= receiver.ReceiveBuffer > previous;
            previous = receiver.ReceiveBuffer;
        }
        Assert.True(grew);
        Assert.Equal(LinuxDefaults.TcpRmemMax, receiver.ReceiveBuffer);

        // At the cap the sender is window-limited: half of 6 MiB = 3145728 bytes per RTT; the RTT is 10 ms plus one
        // 1500-byte and one ACK serialization (~1.3 µs), so goodput = 3145728 × 8 / 0.0100013 s ≈ 2.516 Gbit/s.
        var flow = net.Flows[client.Flow.Id];
        long bytes0 = flow.BytesDelivered;
        net.RunFor(SimTime.FromMilliseconds(100));
        double goodput = (flow.BytesDelivered - bytes0) * 8 / 0.100;
        double rtt = 0.010 + (net.AtoB.SerializationPs(1500) + net.BtoA.SerializationPs(52)) / 1e12;
        double expected = LinuxDefaults.TcpRmemMax / 2 * 8 / rtt;
        _out.WriteLine($"goodput {goodput / 1e9:F4} Gbit/s, expected {expected / 1e9:F4}; window {receiver.ReceiveWindowAdvertised}, cwnd {client.CwndSegments}");
        Assert.InRange(goodput, expected * 0.97, expected * 1.01);
        Assert.Equal(0, flow.DroppedTotal);
        net.AssertConservation();
    }

    [Fact]
    public void A_slow_reader_keeps_a_small_window_and_the_sender_follows_its_pace_without_drops()
    {
        // The reader copies at 8 ns/byte (1 Gbit/s) on a 10 Gbit/s path: flow control, not loss, must slow the sender.
        var costs = new CostProfile("slow-reader", new Dictionary<string, Cost>
        {
            ["socket.syscall"] = new(1_000_000, 0),
            ["socket.copy"] = new(0, 8_000_000),
        });
        var net = new TwoHosts(new LinkSpec { CostsB = costs });
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server);
        TcpSocket client = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(5));
        TcpSocket receiver = Assert.Single(server.Accepted);

        var flow = net.Flows[client.Flow.Id];
        long bytes0 = flow.BytesDelivered;
        long maxWindow = 0;
        for (int i = 0; i < 200; i++)
        {
            net.RunFor(SimTime.FromMicroseconds(100));
            maxWindow = Math.Max(maxWindow, receiver.ReceiveWindowAdvertised);
        }
        double goodput = (flow.BytesDelivered - bytes0) * 8 / 0.020;
        // One 128 KiB read: 1 µs + 131072 × 8 ns = 1049.6 µs, so the reader drains 131072 B / 1049.6 µs = 0.999 Gbit/s.
        double readerRate = 131072 * 8 / (1e-6 + 131072 * 8e-9);
        _out.WriteLine($"goodput {goodput / 1e9:F4} Gbit/s, reader {readerRate / 1e9:F4}; rcvbuf {receiver.ReceiveBuffer}, max window {maxWindow}");
        Assert.InRange(goodput, readerRate * 0.95, readerRate * 1.01);
        // Autotuning sizes the buffer from what the reader copies per RTT (128 KiB reads arrive in whole chunks, so
        // it grows some), far from tcp_rmem[2]; the window never offers more than half of it.
        Assert.True(receiver.ReceiveBuffer < LinuxDefaults.TcpRmemMax / 2, $"rcvbuf {receiver.ReceiveBuffer}");
        Assert.True(maxWindow <= receiver.ReceiveBuffer / 2);
        Assert.Equal(0, flow.DroppedTotal);
        Assert.Equal(0, client.Flow.RetransmittedPackets);
        net.AssertConservation();
    }
}
