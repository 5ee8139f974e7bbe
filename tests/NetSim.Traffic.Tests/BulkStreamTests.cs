using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

public class BulkStreamTests
{
    private static (TwoHosts Net, TrafficEndpoint Client, BulkStreamServer Server) Setup(LinkSpec spec)
    {
        var net = new TwoHosts(spec);
        var client = new TrafficEndpoint("A", net.TransportA, TwoHosts.AddressA);
        var server = new BulkStreamServer(new TrafficEndpoint("B", net.TransportB, TwoHosts.AddressB));
        return (net, client, server);
    }

    [Fact]
    public void Two_TCP_streams_report_per_interval_throughput_that_adds_up_to_the_line_rate()
    {
        var (net, client, server) = Setup(new LinkSpec());
        var iperf = new BulkStreamClient(client, new BulkStreamOptions
        {
            Server = TwoHosts.AddressB, Streams = 2, Duration = SimTime.FromMilliseconds(100), Interval = SimTime.FromMilliseconds(10),
        }, net.Flows);
        iperf.Start();
        net.RunFor(SimTime.FromMilliseconds(200));
        Assert.True(iperf.IsDone);
        var record = iperf.Snapshot(net.Sim.NowPicoseconds);
        Assert.Equal(2, record.FlowIds.Count);
        Assert.Equal(10, record.Intervals.Count);
        double line = 10e9 * 1448 / 1538;
        foreach (var interval in record.Intervals.Skip(2)) // after slow start
            Assert.InRange(interval.BitsPerSecond, line * 0.97, line * 1.02);
        Assert.InRange(record.Intervals.Sum(i => i.Bytes), record.BytesReceived - 2 * 4 * 1024 * 1024, record.BytesReceived); // plus what was in flight at the end (≤ two send buffers)
        Assert.Equal(server.BytesReceived, record.FlowIds.Sum(id => net.Flows[id].BytesDelivered));
        net.AssertConservation();
    }

    [Fact]
    public void A_TCP_byte_count_transfer_delivers_exactly_that_many_bytes_and_ends()
    {
        var (net, client, server) = Setup(new LinkSpec { Costs = TestProfiles.Standard });
        var iperf = new BulkStreamClient(client, new BulkStreamOptions
        {
            Server = TwoHosts.AddressB, Streams = 3, Duration = null, Bytes = 3_000_000,
        }, net.Flows);
        iperf.Start();
        net.RunFor(SimTime.FromSeconds(1));
        Assert.True(iperf.IsDone);
        Assert.Equal(3_000_000, server.BytesReceived);
        Assert.Equal(3_000_000, iperf.Metrics.BytesSent);
        net.AssertConservation();
    }

    [Fact]
    public void A_UDP_stream_sends_at_the_target_rate_exactly()
    {
        var (net, client, server) = Setup(new LinkSpec());
        var iperf = new BulkStreamClient(client, new BulkStreamOptions
        {
            Server = TwoHosts.AddressB, Protocol = StreamProtocol.Udp, TargetBitsPerSecond = 1_000_000_000,
            Duration = SimTime.FromMilliseconds(20), Interval = SimTime.FromMilliseconds(5),
        }, net.Flows);
        iperf.Start();
        net.RunFor(SimTime.FromMilliseconds(30));
        var record = iperf.Snapshot(net.Sim.NowPicoseconds);
        // iperf3's default length on a 1500-byte path, 1448 bytes (the TCP MSS with timestamps), every 11.584 µs:
        // 20 ms holds 1726.5 of them.
        Assert.Equal(1727, record.PacketsSent);
        Assert.Equal(record.PacketsSent, record.PacketsReceived);
        foreach (var interval in record.Intervals.Take(4))
            Assert.InRange(interval.BitsPerSecond, 1e9 - 1448 * 8 / 0.005, 1e9 + 1448 * 8 / 0.005);
        Assert.Equal(0, net.Pool.DroppedTotal);
        net.AssertConservation();
    }

    /// <summary>One UDP stream of iperf3 at <paramref name="bitsPerSecond"/> for <paramref name="durationMs"/>, run for <paramref name="runMs"/>: its flow.</summary>
    private static (TwoHosts Net, NetSim.Traffic.Metrics.FlowMetrics Flow) UdpStream(LinkSpec spec, long bitsPerSecond, int durationMs, int runMs,
        TcpSocketOptions? tcp = null, int? length = null)
    {
        var (net, client, _) = Setup(spec);
        var iperf = new BulkStreamClient(client, new BulkStreamOptions
        {
            Server = TwoHosts.AddressB, Protocol = StreamProtocol.Udp, TargetBitsPerSecond = bitsPerSecond,
            Duration = SimTime.FromMilliseconds(durationMs), Tcp = tcp, DatagramBytes = length,
        }, net.Flows);
        iperf.Start();
        net.RunFor(SimTime.FromMilliseconds(runMs));
        return (net, net.Flows[Assert.Single(iperf.Metrics.FlowIds)]);
    }

    [Theory]
    [InlineData(true, 1448)]   // MTU 1500 − 20 − 20 − 12 (timestamps): what getsockopt(TCP_MAXSEG) returns
    [InlineData(false, 1460)]  // without timestamps the MSS is MTU − 40
    public void A_UDP_stream_without_a_length_sends_datagrams_of_its_control_connections_TCP_MSS(bool timestamps, int expected)
    {
        var (net, flow) = UdpStream(new LinkSpec(), 100_000_000, 2, 5, new TcpSocketOptions { Timestamps = timestamps });
        Assert.True(flow.PacketsReceived > 0);
        Assert.Equal(expected * flow.PacketsReceived, flow.BytesDelivered);
        net.AssertConservation();
    }

    [Fact]
    public void An_explicit_length_is_sent_as_given()
    {
        var (_, flow) = UdpStream(new LinkSpec(), 100_000_000, 2, 5, length: 1472);
        Assert.Equal(1472L * flow.PacketsReceived, flow.BytesDelivered);
    }

    [Fact]
    public void The_senders_own_work_per_datagram_bounds_an_unlimited_UDP_stream()
    {
        // iperf3 -u -b 0 on one core whose only cost is iperf3's 10 us per datagram: one datagram per 10 us.
        var costs = new CostProfile("iperf3-only", new Dictionary<string, Cost> { ["iperf3.udp_send"] = new(10_000_000, 0) });
        var (net, flow) = UdpStream(new LinkSpec { Costs = costs, CostsB = CostProfile.Zero }, 100_000_000_000, 2, 5);
        Assert.InRange(flow.PacketsSent, 199, 201);
        Assert.Equal(flow.PacketsSent, flow.PacketsReceived);
        net.AssertConservation();
    }

    [Fact]
    public void The_receivers_own_work_per_datagram_limits_what_it_reads_and_the_rest_is_dropped_at_the_socket()
    {
        // 1 Gbit/s of 1448-byte datagrams (one per 11.584 us) into an iperf3 -s that spends 20 us on each one it reads.
        var slowReader = new CostProfile("iperf3-only", new Dictionary<string, Cost> { ["iperf3.udp_receive"] = new(20_000_000, 0) });
        var (_, flow) = UdpStream(new LinkSpec { CostsB = slowReader }, 1_000_000_000, 20, 20);
        Assert.InRange(flow.BytesDelivered / 1448, 990, 1001); // 20 ms / 20 us
        Assert.True(flow.Dropped(DropReason.ReceiveBufferFull) > 0);
    }

    [Fact]
    public void UDP_over_a_bottleneck_loses_what_does_not_fit_and_the_drops_are_counted_per_flow()
    {
        var (net, client, server) = Setup(new LinkSpec { RateBitsPerSecond = 100_000_000, QueueBytes = 30_000 });
        var iperf = new BulkStreamClient(client, new BulkStreamOptions
        {
            Server = TwoHosts.AddressB, Protocol = StreamProtocol.Udp, TargetBitsPerSecond = 200_000_000,
            Duration = SimTime.FromMilliseconds(200), Interval = SimTime.FromMilliseconds(50),
        }, net.Flows);
        iperf.Start();
        net.RunFor(SimTime.FromMilliseconds(300));
        var flow = net.Flows[Assert.Single(iperf.Metrics.FlowIds)];
        Assert.Equal(flow.PacketsSent - flow.PacketsReceived, flow.Dropped(DropReason.QueueFull));
        // The wire carries 100 Mbit/s of 1514-byte frames per 1448 payload bytes; the rest of the 200 Mbit/s is lost.
        double delivered = flow.BytesDelivered * 8 / 0.2;
        Assert.InRange(delivered, 100e6 * 1448 / 1514 * 0.98, 100e6 * 1448 / 1514 * 1.02);
        Assert.InRange(flow.Dropped(DropReason.QueueFull) / (double)flow.PacketsSent, 0.50, 0.54);
        net.AssertConservation();
    }

    [Fact]
    public void A_datagram_to_a_port_nobody_bound_is_dropped_as_no_listener()
    {
        var net = new TwoHosts();
        var socket = net.TransportA.Udp.Bind(0);
        socket.SendTo(TwoHosts.AddressB, 9999, 100);
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(1, net.Pool.Dropped(DropReason.NoListener));
        Assert.Equal(1, net.TransportB.Udp.NoPorts);
        Assert.Equal(1, net.Flows[socket.FlowTo(TwoHosts.AddressB, 9999).Id].Dropped(DropReason.NoListener));
        net.AssertConservation();
    }
}
