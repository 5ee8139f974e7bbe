using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// IPsec ESP in tunnel mode (xfrm_output / esp_output, xfrm4_rcv / esp_input, xfrm's gro_cells): the bytes RFC 4303
/// adds, the inline crypto per segment on the sending CPU, and GRO merging the decrypted segments again.
/// </summary>
public class EspTunnelTests
{
    [Fact]
    public void A_packet_gains_an_outer_header_esp_header_and_trailer()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Esp);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, 100));
        bed.Run();
        const int Inner = 20 + 8 + 100;
        // Outer IPv4 20, SPI + sequence + IV 16, then padding to 4 bytes, pad length, next header and the 16-byte ICV.
        Assert.Equal(Inner + 20 + 16 + EspHeader.TrailerFor(Inner), Assert.Single(c.Wire.OuterIpLengths));
        Assert.Equal(Inner, Assert.Single(sink.Arrivals).Ipv4Length);
        Assert.Equal(1500 - EspTunnelDevice.MtuOverhead, c.Tunnel1!.Mtu);
        bed.AssertConservation();
    }

    [Fact]
    public void A_GSO_packet_is_segmented_and_each_segment_encrypted_inline_then_GRO_merges_the_decrypted_segments()
    {
        const int Mss = 1380, Segments = 10;
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Esp, cores: 4);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolTcp);
        Packet gso = bed.Tcp("10.244.1.2", "10.244.2.2", 40000, 5201, TcpFlags.Ack, payload: Segments * Mss, seq: 1, ack: 1);
        gso.GsoSize = Mss;
        bed.SendAt(0, c.N1.Pods[0], gso);
        bed.Run();
        const int InnerSegment = 20 + 20 + Mss;
        Assert.Equal(Enumerable.Repeat(InnerSegment + 36 + EspHeader.TrailerFor(InnerSegment), Segments), c.Wire.OuterIpLengths);
        // xfrm_output_gso on the sending CPU: per segment gso.segment and esp.encrypt with its per-byte part (the test
        // profile leaves checksum.software at zero), all charged on the xfrm device's hop.
        var xfrm = (EspTunnelDevice)c.Tunnel1!;
        Assert.Equal(Segments * (Ns(GsoSegment + EspEncrypt) + EspPerBytePs * InnerSegment), xfrm.Stats.CpuPs);
        // esp_input decrypts each segment; gro_cells then merges what one poll finds: fewer, larger packets, every byte.
        Assert.Equal(Segments, Stage(c.N2.Node, "host/xfrm0/xfrm4_rcv").Packets);
        Assert.InRange(sink.Arrivals.Count, 1, Segments - 1);
        Assert.Equal(Segments * Mss, sink.Arrivals.Sum(a => a.Ipv4Length - 40));
        bed.AssertConservation();
    }

    private static NetSim.Engine.Elements.ElementStats Stage(NetSim.Engine.Elements.NodeContext node, string name) =>
        node.Elements.Single(e => e.Name == name).Stats;
}
