using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class TunnelTests
{
    private static readonly long Ms = SimTime.PicosPerMillisecond;

    /// <summary>Sends one UDP datagram pod(node1) → pod(node2) and returns the cluster and the pod's sink.</summary>
    private static (TestBed, Cluster, Sink) Send(Overlay overlay, int payload, bool df = false, Action<Cluster>? setup = null)
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, overlay);
        setup?.Invoke(c);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, payload, df));
        bed.Run();
        return (bed, c, sink);
    }

    [Fact]
    public void VXLAN_adds_exactly_50_bytes_and_gets_an_MTU_50_below_the_underlay()
    {
        var tap = new CaptureTap();
        var (bed, c, sink) = Send(Overlay.Vxlan, payload: 300, setup: c => c.Tunnel1!.Tap = tap);
        Assert.Equal(1450, c.Tunnel1!.Mtu);
        int inner = Assert.Single(sink.Arrivals).Ipv4Length;
        Assert.Equal(20 + 8 + 300, inner);
        Assert.Equal(inner + EthernetHeader.Size, Assert.Single(tap.Frames).FrameLength); // the inner frame on flannel.1
        Assert.Equal(inner + 50, Assert.Single(c.Wire.OuterIpLengths));
        Assert.Equal(inner + 50 + EthernetHeader.Size, c.Wire.FrameLengths[0]);
        bed.AssertConservation();
    }

    [Fact]
    public void A_packet_exactly_at_the_overlay_MTU_crosses_and_one_byte_more_with_DF_is_dropped_with_frag_needed()
    {
        var (bed, c, sink) = Send(Overlay.Vxlan, payload: 1450 - 28, df: true);
        Assert.Equal(1450, Assert.Single(sink.Arrivals).Ipv4Length);
        Assert.Equal(1500, Assert.Single(c.Wire.OuterIpLengths)); // exactly the underlay MTU
        bed.AssertConservation();

        var (bed2, c2, sink2) = Send(Overlay.Vxlan, payload: 1451 - 28, df: true, setup: c =>
            c.N1.Pods[0].RegisterProtocol(Ipv4Header.ProtocolIcmp, new Sink(c.N1.Node, "pod-icmp")));
        Assert.Empty(sink2.Arrivals);
        Assert.Empty(c2.Wire.FrameLengths);
        Assert.Equal(1, bed2.Pool.Dropped(DropReason.MtuExceeded));
        Assert.Equal(1, c2.N1.Host.Icmp.ErrorsSent);
        bed2.AssertConservation();
    }

    [Fact]
    public void The_sender_learns_the_overlay_MTU_from_ICMP_fragmentation_needed()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Vxlan);
        Sink icmp = bed.Sink(c.N1.Pods[0], Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, payload: 1423, df: true));
        bed.Run();
        Arrival e = Assert.Single(icmp.Arrivals);
        Assert.Equal((IcmpHeader.DestinationUnreachable, IcmpHeader.CodeFragmentationNeeded, (ushort)1450), (e.Icmp.Type, e.Icmp.Code, e.Icmp.NextHopMtu));
        Assert.Equal(Ipv4Address.Parse("10.244.1.1"), e.Ip.Source);
        bed.AssertConservation();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_byte_over_the_overlay_MTU_without_DF_is_fragmented_and_reassembled(bool conntrackOnReceiver)
    {
        var (bed, c, sink) = Send(Overlay.Vxlan, payload: 1451 - 28, df: false, setup: c =>
        {
            if (conntrackOnReceiver) c.N2.Host.Conntrack.Mode = ConntrackMode.On;
        });
        Arrival a = Assert.Single(sink.Arrivals);
        Assert.Equal(1451, a.Ipv4Length);
        Assert.False(a.Ip.MoreFragments);
        // ip_fragment for MTU 1450: 1424 data bytes (a multiple of 8) + 7, each fragment in its own VXLAN packet.
        Assert.Equal(new[] { 20 + 1424 + 50, 20 + 7 + 50 }, c.Wire.OuterIpLengths);
        // With conntrack, node 2's host reassembles at PREROUTING (nf_defrag) and forwards the whole datagram;
        // without, the pod reassembles at ip_local_deliver.
        Assert.Equal(conntrackOnReceiver ? 1 : 0, c.N2.Host.Netfilter.Defrag.Reassembled);
        Assert.Equal(conntrackOnReceiver ? 0 : 1, c.N2.Pods[0].Reassembler.Reassembled);
        Assert.Equal(1, bed.Pool.Absorbed); // the second fragment merged into the first
        bed.AssertConservation();
    }

    [Fact]
    public void A_fragment_whose_partner_never_comes_is_dropped_after_ipfrag_time()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        Sink sink = bed.Sink(t.B, Ipv4Header.ProtocolUdp);
        Packet lonely = bed.Udp("10.0.0.1", "10.0.0.2", 1, 2, payload: 100);
        lonely.Ipv4.MoreFragments = true;
        lonely.Ipv4.Identification = 9;
        bed.SendAt(0, t.A, lonely);
        bed.RunUntil(29 * SimTime.PicosPerSecond);
        Assert.Equal(1, t.B.Reassembler.HeldPackets);
        bed.AssertConservation(); // held packets count as in flight
        bed.Run();
        Assert.Empty(sink.Arrivals);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.FragmentReassembly));
        Assert.Equal(1, t.B.Reassembler.TimedOut);
        bed.AssertConservation();
    }

    [Fact]
    public void GSO_super_packets_cross_the_tunnel_when_each_segment_fits_and_keep_their_GSO_size()
    {
        foreach ((ushort mss, bool fits) in new[] { ((ushort)1398, true), ((ushort)1420, false) })
        {
            var bed = new TestBed();
            Cluster c = Topologies.TwoNodes(bed, Overlay.Vxlan);
            Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolTcp);
            Packet gso = bed.Tcp("10.244.1.2", "10.244.2.2", 40000, 80, TcpFlags.Ack, payload: 10 * mss);
            gso.GsoSize = mss;
            bed.SendAt(0, c.N1.Pods[0], gso);
            bed.Run();
            // Segment = 20 (IP) + 20 (TCP) + MSS: 1438 fits the 1450 overlay MTU, 1460 does not.
            Assert.Equal(fits ? 1 : 0, sink.Arrivals.Count);
            Assert.Equal(fits ? new[] { mss } : [], c.Wire.GsoSizes);
            Assert.Equal(fits ? 0 : 1, bed.Pool.Dropped(DropReason.MtuExceeded));
            bed.AssertConservation();
        }
    }

    [Fact]
    public void VXLAN_source_ports_come_from_the_inner_flow_hash_in_the_local_port_range()
    {
        List<ushort> Ports()
        {
            var bed = new TestBed();
            Cluster c = Topologies.TwoNodes(bed, Overlay.Vxlan);
            bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
            for (int f = 0; f < 20; f++)
            {
                bed.SendAt(f * Ms, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", (ushort)(1000 + f), 2000));
                bed.SendAt(f * Ms + Ms / 2, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", (ushort)(1000 + f), 2000)); // same flow again
            }
            bed.Run();
            bed.AssertConservation();
            return c.Wire.OuterUdpSourcePorts;
        }
        List<ushort> ports = Ports();
        Assert.All(ports, p => Assert.InRange(p, UdpTunnelDevice.DefaultSourcePortMin, (ushort)(UdpTunnelDevice.DefaultSourcePortMax - 1)));
        for (int f = 0; f < 20; f++) Assert.Equal(ports[2 * f], ports[2 * f + 1]); // one flow, one port (no reordering across paths)
        Assert.True(ports.Distinct().Count() >= 15, "different flows should mostly get different ports");
        Assert.Equal(ports, Ports()); // deterministic
    }

    [Fact]
    public void A_frame_for_a_MAC_without_an_FDB_entry_is_dropped()
    {
        var (bed, c, sink) = Send(Overlay.Vxlan, payload: 10, setup: c => ((VxlanDevice)c.Tunnel1!).RemoveFdb(c.Tunnel2!.Mac));
        Assert.Empty(sink.Arrivals);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoForwardingEntry));
        bed.AssertConservation();
    }

    [Fact]
    public void IPIP_adds_exactly_20_bytes()
    {
        var (bed, c, sink) = Send(Overlay.Ipip, payload: 300);
        Assert.Equal(1480, c.Tunnel1!.Mtu);
        int inner = Assert.Single(sink.Arrivals).Ipv4Length;
        Assert.Equal(inner + 20, Assert.Single(c.Wire.OuterIpLengths));
        Assert.Equal(1, c.Tunnel2!.Counters.RxPackets);
        bed.AssertConservation();
    }

    [Fact]
    public void Geneve_adds_50_bytes_plus_its_options()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Geneve);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1, 2, payload: 300));
        bed.Run();
        int inner = Assert.Single(sink.Arrivals).Ipv4Length;
        Assert.Equal(inner + 50, Assert.Single(c.Wire.OuterIpLengths));
        Assert.Equal(6081, ((GeneveDevice)c.Tunnel1!).Port);
        bed.AssertConservation();

        var withOptions = new GeneveDevice(c.N1.Host, "cilium_geneve", 7, optionWords: 2, port: 6082, underlay: c.Eth1);
        Assert.Equal(58, withOptions.Overhead);
        Assert.Equal(1442, withOptions.Mtu);
    }
}
