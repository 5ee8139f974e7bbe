using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class VethTests
{
    [Fact]
    public void A_packet_crosses_the_veth_into_the_peer_namespace_and_costs_exactly_the_hops_it_takes()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        Sink sink = bed.Sink(t.B, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.A, bed.Udp("0.0.0.0", "10.0.0.2", 1000, 2000, payload: 100));
        bed.Run();

        Arrival a = Assert.Single(sink.Arrivals);
        // ip_local_out (route) → ip_output (+ neighbour) → veth_xmit → netif_receive → ip_rcv (+ route) → local deliver.
        long expected = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(expected, a.At);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), a.Ip.Source); // filled in by source selection
        Assert.Equal(Ipv4Header.DefaultTtl, a.Ip.Ttl);
        Assert.Equal(2, a.Layers); // the Ethernet header was consumed by ip_rcv
        Assert.Equal(1, t.Veth.A.Counters.TxPackets);
        Assert.Equal(1, t.Veth.B.Counters.RxPackets);
        Assert.Equal(1, t.A.Neighbours.Resolutions); // one ARP, then cached
        bed.AssertConservation();
    }

    [Fact]
    public void Crossing_namespaces_clears_the_mark_and_the_conntrack_reference()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        Sink sink = bed.Sink(t.B, Ipv4Header.ProtocolUdp);
        Packet p = bed.Udp("10.0.0.1", "10.0.0.2", 1, 2);
        p.Mark = 0x4000;
        bed.SendAt(0, t.A, p);
        bed.Run();
        Assert.Equal(0u, Assert.Single(sink.Arrivals).Mark);
        bed.AssertConservation();
    }

    [Fact]
    public void A_peer_that_is_down_drops_the_frame()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        t.B.Neighbours.Add(t.Veth.B, Ipv4Address.Parse("10.0.0.1"), t.Veth.A.Mac);
        t.A.Neighbours.Add(t.Veth.A, Ipv4Address.Parse("10.0.0.2"), t.Veth.B.Mac);
        t.Veth.B.IsUp = false;
        bed.SendAt(0, t.A, bed.Udp("10.0.0.1", "10.0.0.2", 1, 2));
        bed.Run();
        Assert.Equal(1, bed.Pool.Dropped(DropReason.DeviceDown));
        bed.AssertConservation();
    }

    [Fact]
    public void Traffic_to_an_own_address_loops_through_lo()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        Sink sink = bed.Sink(t.A, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.A, bed.Udp("0.0.0.0", "10.0.0.1", 1, 2));
        bed.Run();
        Arrival a = Assert.Single(sink.Arrivals);
        // lo has no L2 header: no neighbour output; loopback_xmit itself is free.
        Assert.Equal(Ns(RouteLookup + IpOutput + NetifReceive + IpReceive + RouteLookup), a.At);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), a.Ip.Source);
        Assert.Equal(1, t.A.Loopback.Counters.RxPackets);
        Assert.Equal(0, t.Veth.A.Counters.TxPackets);
        bed.AssertConservation();
    }

    [Fact]
    public void Ping_is_answered_by_the_kernel()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        Sink replies = bed.Sink(t.A, Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, t.A, bed.Ping("10.0.0.1", "10.0.0.2", id: 7));
        bed.Run();
        Arrival r = Assert.Single(replies.Arrivals);
        Assert.Equal(IcmpHeader.EchoReply, r.Icmp.Type);
        Assert.Equal(7, r.Icmp.Identifier);
        Assert.Equal(Ipv4Address.Parse("10.0.0.2"), r.Ip.Source);
        long oneWay = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(2 * oneWay + Ns(IcmpSend), r.At);
        bed.AssertConservation();
    }

    [Fact]
    public void Moving_a_device_to_another_namespace_keeps_its_ifindex_and_drops_its_addresses_and_routes()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        var c = new NetSim.Datapaths.Namespaces.NetworkNamespace(t.Node, "c");
        int index = t.Veth.B.IfIndex;
        t.Veth.B.MoveTo(c);
        Assert.Same(c, t.Veth.B.Namespace);
        Assert.Equal(index, t.Veth.B.IfIndex);
        Assert.Empty(t.Veth.B.Addresses);
        Assert.False(t.B.IsLocalAddress(Ipv4Address.Parse("10.0.0.2")));
        Assert.Null(t.B.LookupRoute(Ipv4Address.Parse("10.0.0.9")));
        Assert.Same(t.Veth.B, c.DeviceByIndex(index));
        c.AddAddress(t.Veth.B, "10.0.0.2/24");
        Sink sink = bed.Sink(c, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.A, bed.Udp("0.0.0.0", "10.0.0.2", 1, 2));
        bed.Run();
        Assert.Single(sink.Arrivals);
        bed.AssertConservation();
    }

    [Fact]
    public void Deleting_one_end_deletes_the_pair_with_its_addresses_routes_and_bridge_port()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        var br = new NetSim.Datapaths.Devices.LinuxBridge(t.B, "br0");
        var extra = new NetSim.Datapaths.Devices.VethPair(t.A, "eth1", t.B, "veth1");
        br.AddPort(extra.B);
        extra.A.Delete();
        Assert.True(extra.A.IsDeleted && extra.B.IsDeleted);
        Assert.False(extra.B.IsUp);
        Assert.Empty(br.Ports);
        Assert.DoesNotContain(t.B.Devices, d => d.Name == "veth1");
        Assert.DoesNotContain(t.A.Devices, d => d.Name == "eth1");
        t.Veth.B.Delete();
        Assert.False(t.B.IsLocalAddress(Ipv4Address.Parse("10.0.0.2")));
        Assert.Null(t.A.LookupRoute(Ipv4Address.Parse("10.0.0.2")));
        t.Veth.A.Delete(); // idempotent
    }
}
