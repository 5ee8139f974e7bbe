using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>Plugin-level behaviour of host-local (host_local_test.go, reference §2.4) through the CNI runtime.</summary>
public class HostLocalPluginTests
{
    private static NetworkConfigList Net(string ipamJson) => NetworkConfigList.Parse(
        $$"""{"cniVersion":"1.1.0","name":"mynet","plugins":[{"type":"host-local-main","ipam":{{ipamJson}}}]}""");

    /// <summary>A minimal main plugin that delegates to IPAM, as bridge or ptp do.</summary>
    private sealed class DelegatingMain : ICniPlugin
    {
        public string Type => "host-local-main";
        public CniResult Add(CniRequest r) => r.DelegateAdd();
        public void Del(CniRequest r) => r.DelegateDel();
        public void Check(CniRequest r) => r.DelegateCheck();
    }

    private static (CniRuntime Runtime, HostLocalPlugin Ipam) Runtime()
    {
        var ipam = new HostLocalPlugin();
        return (new CniRuntime(new CniPluginRegistry().Add(new DelegatingMain()).Add(ipam)), ipam);
    }

    private static CniArgs Args(string id, string args = "") => new("ADD", id, "/var/run/netns/x", "eth0", args);

    private const string DualStack = """
        {"type":"host-local","ranges":[[{"subnet":"10.1.2.0/24"},{"subnet":"10.2.2.0/24"}],[{"subnet":"2001:db8:1::/64"}]],
         "routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"},{"dst":"192.168.0.0/16","gw":"1.1.1.1"},{"dst":"2001:db8:2::/64","gw":"2001:db8:3::1"}]}
        """;

    [Fact]
    public void Allocates_one_address_per_range_set_and_echoes_routes()
    {
        var (rt, _) = Runtime();
        var r = rt.Add(Net(DualStack), Args("dummy"));
        Assert.Equal(["10.1.2.2/24", "2001:db8:1::2/64"], r.Ips.Select(i => i.Address));
        Assert.Equal(["10.1.2.1", "2001:db8:1::1"], r.Ips.Select(i => i.Gateway));
        Assert.Equal(4, r.Routes.Count);
        Assert.Equal(new CniRoute("192.168.0.0/16", "1.1.1.1"), r.Routes[2]);
    }

    [Fact]
    public void Second_container_gets_the_next_address_and_del_releases()
    {
        var (rt, ipam) = Runtime();
        var net = Net(DualStack);
        rt.Add(net, Args("dummy"));
        Assert.Equal("10.1.2.3/24", rt.Add(net, Args("other")).Ips[0].Address);
        rt.Del(net, Args("dummy"));
        Assert.Empty(ipam.StoreFor("mynet").GetByKey("dummy", "eth0"));
        rt.Del(net, Args("never-added")); // DEL of an unknown container succeeds
    }

    [Fact]
    public void Plugin_refuses_a_duplicate_add_for_the_same_attachment()
    {
        var ipam = new HostLocalPlugin();
        var registry = new CniPluginRegistry().Add(ipam);
        var cfg = (JsonObject)JsonNode.Parse($$"""{"type":"host-local","cniVersion":"1.1.0","name":"mynet","ipam":{{DualStack}}}""")!;
        var req = new CniRequest(Args("dummy"), cfg, "1.1.0", "mynet", null, registry);
        ipam.Add(req);
        var e = Assert.Throws<CniException>(() => ipam.Add(req));
        Assert.Equal("failed to allocate for range 0: 10.1.2.2 has been allocated to dummy, duplicate allocation is not allowed", e.Msg);
    }

    [Fact]
    public void Requested_ips_from_cni_args_are_honoured_per_range_set()
    {
        var (rt, _) = Runtime();
        var net = Net("""{"type":"host-local","ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"10.1.3.0/24"}]]}""");
        var r = rt.Add(net, Args("c1", "IP=10.1.2.88/24;IP=10.1.3.77;IgnoreUnknown=1"));
        Assert.Equal(["10.1.2.88/24", "10.1.3.77/24"], r.Ips.Select(i => i.Address));
    }

    [Fact]
    public void Requested_ips_across_families_land_in_their_sets()
    {
        var (rt, _) = Runtime();
        var net = Net("""{"type":"host-local","ranges":[[{"subnet":"172.16.1.0/24"},{"subnet":"10.1.2.0/24"}],[{"subnet":"2001:db8:1::/48"}]]}""");
        var r = rt.Add(net, Args("c1", "IP=10.1.2.88;IP=2001:db8:1::999"));
        Assert.Equal(["10.1.2.88/24", "2001:db8:1::999/48"], r.Ips.Select(i => i.Address));
    }

    [Fact]
    public void Two_requested_ips_in_one_range_set_fail_and_release_everything()
    {
        var (rt, ipam) = Runtime();
        var net = Net("""{"type":"host-local","ranges":[[{"subnet":"10.1.2.0/24"}],[{"subnet":"10.1.3.0/24"}]]}""");
        var e = Assert.Throws<CniException>(() => rt.Add(net, Args("c1", "IP=10.1.2.88;IP=10.1.2.77")));
        Assert.StartsWith("failed to allocate all requested IPs: 10.1.2.", e.Msg, StringComparison.Ordinal);
        Assert.Empty(ipam.StoreFor("mynet").GetByKey("c1", "eth0"));
    }

    [Theory]
    [InlineData("""{"type":"host-local"}""", "no IP ranges specified")]
    [InlineData("""{"type":"host-local","ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.0/25"}]]}""", "range set 0 overlaps with 1")]
    [InlineData("""{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/22"},{"subnet":"10.1.2.0/24"}]]}""", "invalid range set 0: subnets 10.1.0.1-10.1.3.254 and 10.1.2.1-10.1.2.254 overlap")]
    [InlineData("""{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24"},{"subnet":"2001:db8::/64"}]]}""", "invalid range set 0: mixed address families")]
    public void Config_errors_use_host_locals_messages(string ipam, string message)
    {
        var (rt, _) = Runtime();
        var e = Assert.Throws<CniException>(() => rt.Add(Net(ipam), Args("c1")));
        Assert.Equal(CniException.InvalidNetworkConfig, e.Code);
        Assert.Equal(message, e.Msg);
    }

    [Fact]
    public void Old_spec_versions_allow_one_address_per_family()
    {
        var (rt, _) = Runtime();
        var net = NetworkConfigList.Parse("""{"cniVersion":"0.2.0","name":"mynet","plugins":[{"type":"host-local-main","ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24"}],[{"subnet":"10.2.0.0/24"}]]}}]}""");
        Assert.Equal("CNI version 0.2.0 does not support more than 1 address per family",
            Assert.Throws<CniException>(() => rt.Add(net, Args("c1"))).Msg);
    }
}
