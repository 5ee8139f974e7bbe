using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

/// <summary>
/// tcp_tso_should_defer: a cwnd-limited bulk sender whose ACKs each open two segments of window does not cut a
/// two-segment super-packet per ACK; it waits until a full TSO packet (or a third of the window) can go, so its
/// per-packet work is paid once per ~64 KB, as Linux's is.
/// </summary>
public class TcpTsoDeferralTests
{
    private const ushort Port = 5201;
    private readonly ITestOutputHelper _out;

    public TcpTsoDeferralTests(ITestOutputHelper output) => _out = output;

    /// <summary>Counts the data packets TCP hands down (super-packets, before the wire cuts them) and their payload.</summary>
    private sealed class SuperPacketCounter(NodeContext node, PacketElement next) : PacketElement(node, "super-packet counter")
    {
        public long Packets { get; private set; }
        public long Payload { get; private set; }

        public override void Receive(Packet packet)
        {
            if (packet.PayloadLength > 0 && Node.Sim.Now >= SimTime.FromMilliseconds(20))
            {
                Packets++;
                Payload += packet.PayloadLength;
            }
            next.Receive(packet);
        }
    }

    [Fact]
    public void A_cwnd_limited_stream_sends_full_super_packets_while_acks_arrive_two_segments_at_a_time()
    {
        var net = new TwoHosts();
        var counter = new SuperPacketCounter(net.NodeA, net.AtoB);
        net.A.Egress = counter;
        net.TcpB.Listen(Port, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, Port, new BulkWriter(), out _)!;
        var flow = net.Flows[socket.Flow.Id];
        net.RunUntil(SimTime.FromMilliseconds(20));
        long bytes0 = flow.BytesDelivered;
        net.RunUntil(SimTime.FromMilliseconds(60));
        double goodput = (flow.BytesDelivered - bytes0) * 8 / 0.040;
        double mean = (double)counter.Payload / counter.Packets;
        _out.WriteLine($"{counter.Packets} data packets, {mean:F0} B each on average ({mean / 1448:F1} segments); goodput {goodput / 1e9:F3} Gbit/s; cwnd {socket.CwndSegments}");
        // The receiver ACKs every second segment (no GRO here), so without deferral each ACK would let out a
        // 2,896-byte packet; deferred, most go out as 45-segment (65,160-byte) packets.
        Assert.True(mean > 20 * 1448, $"mean super-packet {mean:F0} B");
        Assert.InRange(goodput, 10e9 * 1448 / 1538 * 0.98, 10e9 * 1448 / 1538 * 1.02); // still line rate
        net.AssertConservation();
    }
}
