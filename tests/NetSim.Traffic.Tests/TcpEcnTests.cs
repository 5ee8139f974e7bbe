using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class TcpEcnTests
{
    [Fact]
    public void With_ECN_a_marking_queue_reduces_cwnd_without_drops()
    {
        var ecn = new TcpSocketOptions { Ecn = EcnMode.On, CongestionControl = CongestionControlAlgorithm.NewReno };
        var net = new TwoHosts(new LinkSpec
        {
            RateBitsPerSecond = 1_000_000_000, Propagation = SimTime.FromMicroseconds(100), QueueBytes = 1_000_000, Tcp = ecn,
        });
        net.AtoB.EcnMarkBytes = 100_000;
        net.TcpB.Listen(5201, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, 5201, new BulkWriter(), out _)!;
        net.RunUntil(SimTime.FromSeconds(1));
        Assert.True(socket.EcnEnabled);
        Assert.True(socket.Flow.EcnReductions > 10, $"{socket.Flow.EcnReductions} reductions");
        Assert.Equal(0, net.Pool.DroppedTotal);
        Assert.Equal(0, socket.Flow.RetransmittedPackets);
        double goodput = net.Flows[socket.Flow.Id].BytesDelivered * 8 / 1.0;
        Assert.InRange(goodput, 1e9 * 1448 / 1538 * 0.9, 1e9 * 1448 / 1538);
        net.AssertConservation();
    }

    [Fact]
    public void ECN_is_not_used_unless_the_client_asks_and_the_server_accepts()
    {
        var net = new TwoHosts(); // Linux default tcp_ecn = 2: accept only, never ask
        net.TcpB.Listen(5201, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, 5201, new RecordingHandler(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.False(socket.EcnEnabled);
        net.AssertConservation();
    }
}
