using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Tests;

/// <summary>ip rule: rules walked by priority between local and main, selectors, "not", and a table with no route passing on.</summary>
public class PolicyRoutingTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);
    private static Ipv4Prefix P(string s) => Ipv4Prefix.Parse(s);

    [Fact]
    public void Without_rules_a_lookup_is_local_then_main_and_tests_no_rule()
    {
        var ns = new NetworkNamespace(new TestBed().Node("n"), "ns");
        var main = ns.AddRoute("10.0.0.0/8", new DummyDevice(ns, "d1"));
        Assert.Same(main, ns.LookupRoute(A("10.1.1.1"), A("10.9.9.9"), out int tested, out var rule));
        Assert.Equal(0, tested);
        Assert.Null(rule);
    }

    [Fact]
    public void A_source_rule_sends_its_sources_to_their_table_and_everyone_else_to_main()
    {
        var ns = new NetworkNamespace(new TestBed().Node("n"), "ns");
        var eth0 = new DummyDevice(ns, "eth0");
        var eth1 = new DummyDevice(ns, "eth1");
        var viaMain = ns.AddRoute("0.0.0.0/0", eth0);
        var viaEni = new Route { Prefix = P("0.0.0.0/0"), Device = eth1 };
        ns.Table(2).Add(viaEni);
        var toPod = ns.AddRule(512, 254, to: P("10.0.0.7/32"));
        var fromPod = ns.AddRule(1536, 2, from: P("10.0.0.6/32"));

        Assert.Same(viaEni, ns.LookupRoute(A("10.0.5.5"), A("10.0.0.6"), out int tested, out var rule));
        Assert.Same(fromPod, rule);
        Assert.Equal(2, tested); // 512 tested and not matching, then 1536
        Assert.Same(viaMain, ns.LookupRoute(A("10.0.5.5"), A("10.0.0.9"), out tested, out rule));
        Assert.Null(rule);
        Assert.Equal(2, tested);
        // The "to pod lookup main" rule comes first, so a pod on the ENI still reaches a local pod through main.
        var hostRoute = ns.AddRoute("10.0.0.7/32", new DummyDevice(ns, "eni1"));
        Assert.Same(hostRoute, ns.LookupRoute(A("10.0.0.7"), A("10.0.0.6"), out tested, out rule));
        Assert.Same(toPod, rule);
        Assert.Equal(1, tested);
        Assert.Equal("1536: from 10.0.0.6 lookup 2", fromPod.ToString());
    }

    [Fact]
    public void A_not_rule_applies_outside_its_prefix_and_an_empty_table_passes_the_walk_on()
    {
        var ns = new NetworkNamespace(new TestBed().Node("n"), "ns");
        var eth0 = new DummyDevice(ns, "eth0");
        var main = ns.AddRoute("0.0.0.0/0", eth0);
        var outside = ns.AddRule(1024, 254, to: P("172.18.0.0/16"), invert: true);
        ns.AddRule(1536, 7, from: P("172.18.0.6/32")); // table 7 is empty
        Assert.Same(main, ns.LookupRoute(A("8.8.8.8"), A("172.18.0.6"), out _, out var rule));
        Assert.Same(outside, rule);
        Assert.Same(main, ns.LookupRoute(A("172.18.0.9"), A("172.18.0.6"), out int tested, out rule));
        Assert.Null(rule); // 1024 does not apply inside the VPC, table 7 has nothing: main answers
        Assert.Equal(2, tested);
        Assert.Equal("1024: not from all to 172.18.0.0/16 lookup main", outside.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => ns.AddRule(32766, 254));
    }
}
