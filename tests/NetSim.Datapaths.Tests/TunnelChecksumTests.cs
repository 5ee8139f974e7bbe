using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// A UDP tunnel's outer checksum (udp_csum: on by default, off for Weave's fast datapath and Cilium), and vxlan_rcv's
/// gro_cells: segments the NIC's GRO refused are merged after decapsulation, the others go straight on.
/// </summary>
public class TunnelChecksumTests
{
    private const int Payload = 1000;

    /// <summary>Two back-to-back TCP data segments of one flow, pod(node1) to pod(node2) over VXLAN.</summary>
    private static (TestBed Bed, Cluster C, Sink Sink) SendTwo(bool udpChecksum, bool refuseGro)
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Vxlan);
        ((UdpTunnelDevice)c.Tunnel1!).UdpChecksum = udpChecksum;
        c.Wire.RefuseGro = refuseGro;
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolTcp);
        for (uint i = 0; i < 2; i++)
            bed.SendAt(0, c.N1.Pods[0], bed.Tcp("10.244.1.2", "10.244.2.2", 40000, 5201, TcpFlags.Ack, Payload, seq: 1 + i * Payload, ack: 1));
        bed.Run();
        bed.AssertConservation();
        return (bed, c, sink);
    }

    [Fact]
    public void A_VXLAN_device_sends_an_outer_checksum_unless_told_not_to()
    {
        Assert.True(SendTwo(udpChecksum: true, refuseGro: false).C.Wire.OuterUdpZeroChecksums.All(zero => !zero));
        var (_, c, _) = SendTwo(udpChecksum: false, refuseGro: false);
        Assert.Equal(2, c.Wire.OuterUdpZeroChecksums.Count(zero => zero));
    }

    [Fact]
    public void Segments_the_NIC_did_not_merge_are_merged_in_the_tunnels_gro_cells()
    {
        var (_, _, sink) = SendTwo(udpChecksum: false, refuseGro: true);
        Arrival merged = Assert.Single(sink.Arrivals);
        Assert.Equal(Ipv4Header.Size + TcpHeader.BaseSize + 2 * Payload, merged.Ipv4Length);
    }

    [Fact]
    public void Segments_the_NIC_handed_up_go_straight_on()
    {
        var (_, _, sink) = SendTwo(udpChecksum: false, refuseGro: false);
        Assert.Equal(2, sink.Arrivals.Count);
        Assert.All(sink.Arrivals, a => Assert.Equal(Ipv4Header.Size + TcpHeader.BaseSize + Payload, a.Ipv4Length));
    }
}
