using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class RoutingTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);

    [Fact]
    public void Longest_prefix_wins_and_the_default_route_catches_the_rest()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var d1 = new DummyDevice(ns, "d1");
        var d2 = new DummyDevice(ns, "d2");
        var d3 = new DummyDevice(ns, "d3");
        var r16 = ns.AddRoute("10.1.0.0/16", d1);
        var r24 = ns.AddRoute("10.1.2.0/24", d2);
        var r32 = ns.AddRoute("10.1.2.3/32", d3);
        var def = ns.AddRoute("0.0.0.0/0", d1);

        Assert.Same(r32, ns.LookupRoute(A("10.1.2.3")));
        Assert.Same(r24, ns.LookupRoute(A("10.1.2.4")));
        Assert.Same(r16, ns.LookupRoute(A("10.1.9.9")));
        Assert.Same(def, ns.LookupRoute(A("8.8.8.8")));
        Assert.True(ns.Routes.Remove(def));
        Assert.Null(ns.LookupRoute(A("8.8.8.8")));
    }

    [Fact]
    public void Lowest_metric_wins_and_routes_through_a_down_device_are_skipped()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var d1 = new DummyDevice(ns, "d1");
        var d2 = new DummyDevice(ns, "d2");
        var hi = ns.AddRoute("10.0.0.0/8", d1, metric: 200);
        var lo = ns.AddRoute("10.0.0.0/8", d2, metric: 100);
        Assert.Same(lo, ns.LookupRoute(A("10.2.3.4")));
        d2.IsUp = false;
        Assert.Same(hi, ns.LookupRoute(A("10.2.3.4")));
        Assert.Throws<InvalidOperationException>(() => ns.AddRoute("10.0.0.0/8", d1, metric: 200));
    }

    [Fact]
    public void A_prefix_keeps_its_routes_in_metric_order_as_they_come_and_go()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var d1 = new DummyDevice(ns, "d1");
        var d2 = new DummyDevice(ns, "d2");
        var table = new RoutingTable("main");
        Ipv4Prefix p = Ipv4Prefix.Parse("10.4.0.0/16");
        var a = new Route { Prefix = p, Device = d1, Metric = 300 };
        var b = new Route { Prefix = p, Device = d2, Metric = 100 };
        var c = new Route { Prefix = p, Device = d1, Metric = 100 };
        table.Append(a);
        Assert.Same(a, table.Lookup(A("10.4.1.1")));
        table.Append(b);
        table.Append(c); // same metric as b: after it, as ip route append does
        Assert.Equal(3, table.Count);
        Assert.Equal([b, c, a], table.Routes);
        Assert.Same(b, table.Lookup(A("10.4.1.1")));
        d2.IsUp = false;
        Assert.Same(c, table.Lookup(A("10.4.1.1")));
        var c2 = new Route { Prefix = p, Device = d2, Metric = 100 };
        table.Replace(c2); // replaces the first route of that metric
        Assert.Equal([c2, c, a], table.Routes);
        Assert.True(table.Remove(c2));
        Assert.True(table.Remove(c));
        Assert.False(table.Remove(c));
        Assert.Equal(1, table.Count);
        Assert.Same(a, table.Lookup(A("10.4.1.1")));
        Assert.Throws<InvalidOperationException>(() => table.Add(new Route { Prefix = p, Device = d2, Metric = 300 }));
        table.Replace(b);
        Assert.Equal([b, a], table.Routes);
        Assert.True(table.Remove(a));
        Assert.True(table.Remove(b));
        Assert.Equal(0, table.Count);
        Assert.Null(table.Lookup(A("10.4.1.1")));
    }

    [Fact]
    public void Addresses_create_local_and_connected_routes_and_pick_the_source()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var eth = new DummyDevice(ns, "eth0");
        ns.AddAddress(eth, "192.168.5.10/24");
        Assert.True(ns.IsLocalAddress(A("192.168.5.10")));
        Assert.True(ns.IsLocalAddress(A("127.0.0.1")));
        Assert.True(ns.IsLocalAddress(A("127.1.2.3"))); // local 127.0.0.0/8 dev lo
        Assert.False(ns.IsLocalAddress(A("192.168.5.11")));
        Route connected = ns.LookupRoute(A("192.168.5.99"))!;
        Assert.Equal(RouteScope.Link, connected.Scope);
        Assert.Equal(eth, connected.Device);

        Assert.True(ns.TryResolveRoute(A("192.168.5.99"), out var src, out int mtu));
        Assert.Equal(A("192.168.5.10"), src);
        Assert.Equal(1500, mtu);
        Assert.True(ns.TryResolveRoute(A("192.168.5.10"), out src, out mtu));
        Assert.Equal(A("192.168.5.10"), src);
        Assert.Equal(LoopbackDevice.DefaultMtu, mtu);
        Assert.False(ns.TryResolveRoute(A("8.8.8.8"), out _, out _));
    }

    [Fact]
    public void A_gateway_must_be_on_link_unless_the_route_says_onlink()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var eth = new DummyDevice(ns, "eth0");
        ns.AddAddress(eth, "10.0.1.5/32");
        Assert.Throws<InvalidOperationException>(() => ns.AddRoute("0.0.0.0/0", eth, via: "169.254.1.1"));
        Route r = ns.AddRoute("0.0.0.0/0", eth, via: "169.254.1.1", onLink: true); // Calico's pod default route
        Assert.True(ns.TryResolveRoute(A("10.0.2.7"), out var src, out _));
        Assert.Equal(A("10.0.1.5"), src);
        Assert.Equal(A("169.254.1.1"), r.NextHop(A("10.0.2.7")));
    }

    [Fact]
    public void No_route_when_forwarding_drops_and_answers_net_unreachable_to_the_sender()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "172.16.0.1", 1, 2)); // the host has no route for it
        bed.Run();
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoRoute));
        Arrival e = Assert.Single(icmp.Arrivals);
        Assert.Equal(IcmpHeader.DestinationUnreachable, e.Icmp.Type);
        Assert.Equal(IcmpHeader.CodeNetUnreachable, e.Icmp.Code);
        Assert.Equal(A("10.0.0.1"), e.Ip.Source);
        long toHost = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + IpReceive + RouteLookup);
        long back = Ns(IcmpSend + RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(toHost + back, e.At);
        bed.AssertConservation();
    }

    [Fact]
    public void No_route_for_a_local_sender_is_a_counted_drop()
    {
        var bed = new TestBed();
        var t = Topologies.TwoNamespaces(bed);
        bed.SendAt(0, t.A, bed.Udp("0.0.0.0", "172.16.0.1", 1, 2));
        bed.Run();
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoRoute));
        bed.AssertConservation();
    }

    [Fact]
    public void A_namespace_that_does_not_forward_answers_host_unreachable()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.IpForwarding = false;
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2));
        bed.Run();
        Assert.Equal(IcmpHeader.CodeHostUnreachable, Assert.Single(icmp.Arrivals).Icmp.Code);
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NoRoute));
        bed.AssertConservation();
    }

    [Fact]
    public void TTL_expiry_drops_and_answers_time_exceeded()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        Sink server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2, ttl: 1));
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 2, ttl: 2));
        bed.Run();
        Assert.Equal(1, bed.Pool.Dropped(DropReason.TtlExpired));
        Arrival e = Assert.Single(icmp.Arrivals);
        Assert.Equal(IcmpHeader.TimeExceeded, e.Icmp.Type);
        Assert.Equal(A("10.0.0.1"), e.Ip.Source);
        Assert.Equal(1, Assert.Single(server.Arrivals).Ip.Ttl); // decremented once by the host
        bed.AssertConservation();
    }

    [Fact]
    public void Blackhole_routes_drop_silently_and_unreachable_routes_answer()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.AddRoute(new Route { Prefix = Ipv4Prefix.Parse("10.9.0.0/26"), Type = RouteType.Blackhole });
        t.Host.AddRoute(new Route { Prefix = Ipv4Prefix.Parse("10.9.1.0/26"), Type = RouteType.Prohibit });
        Sink icmp = bed.Sink(t.Client, Ipv4Header.ProtocolIcmp);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.9.0.5", 1, 2));
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.9.1.5", 1, 2));
        bed.Run();
        Assert.Equal(2, bed.Pool.Dropped(DropReason.NoRoute));
        Assert.Equal(IcmpHeader.CodeAdminProhibited, Assert.Single(icmp.Arrivals).Icmp.Code);
        bed.AssertConservation();
    }

    [Fact]
    public void Proxy_arp_on_the_host_veth_answers_for_the_onlink_gateway_as_Calico_needs()
    {
        foreach (bool proxyArp in new[] { true, false })
        {
            var bed = new TestBed();
            var node = bed.Node("n");
            var host = new NetworkNamespace(node, "host") { IpForwarding = true };
            var pod = new NetworkNamespace(node, "pod");
            var link = new VethPair(pod, "eth0", host, "cali1234");
            link.B.ProxyArp = proxyArp;
            pod.AddAddress(link.A, "10.0.1.5/32");
            pod.AddRoute("0.0.0.0/0", link.A, via: "169.254.1.1", onLink: true);
            var eth0 = new DummyDevice(host, "eth0");
            host.AddAddress(eth0, "192.168.0.1/24");
            host.AddRoute("0.0.0.0/0", eth0, via: "192.168.0.254");
            host.AddRoute("10.0.1.5/32", link.B);
            Sink sink = bed.Sink(host, Ipv4Header.ProtocolUdp);
            bed.SendAt(0, pod, bed.Udp("0.0.0.0", "192.168.0.1", 1, 2));
            bed.Run();
            Assert.Equal(proxyArp ? 1 : 0, sink.Arrivals.Count);
            Assert.Equal(proxyArp ? 0 : 1, bed.Pool.Dropped(DropReason.NoNeighbour));
            if (proxyArp)
            {
                Assert.True(pod.Neighbours.TryGet(link.A, A("169.254.1.1"), out MacAddress mac, out _));
                Assert.Equal(link.B.Mac, mac);
            }
            bed.AssertConservation();
        }
    }
}
