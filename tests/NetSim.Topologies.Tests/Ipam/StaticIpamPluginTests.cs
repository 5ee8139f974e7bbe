using NetSim.Topologies.Cni;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>The static IPAM plugin (plugins/ipam/static): addresses, gateways, routes and DNS from the config; its errors with code 999.</summary>
public class StaticIpamPluginTests
{
    /// <summary>The example configuration of the plugin's documentation (cni.dev/plugins/current/ipam/static), under a delegating main plugin.</summary>
    private const string DocsIpam = """
        {
        	"type": "static",
        	"addresses": [
        		{ "address": "10.10.0.1/24", "gateway": "10.10.0.254" },
        		{ "address": "3ffe:ffff:0:01ff::1/64", "gateway": "3ffe:ffff:0::1" }
        	],
        	"routes": [
        		{ "dst": "0.0.0.0/0" },
        		{ "dst": "192.168.0.0/16", "gw": "10.10.5.1" },
        		{ "dst": "3ffe:ffff:0:01ff::1/64" }
        	],
        	"dns": { "nameservers" : ["8.8.8.8"], "domain": "example.com", "search": [ "example.com" ] }
        }
        """;

    internal sealed class DelegatingMain : ICniPlugin
    {
        public string Type => "main";
        public CniResult Add(CniRequest r) => r.DelegateAdd();
        public void Del(CniRequest r) => r.DelegateDel();
        public void Check(CniRequest r) => r.DelegateCheck();
    }

    private static NetworkConfigList Net(string ipam, string version = "1.0.0") => NetworkConfigList.Parse(
        $$"""{"cniVersion":"{{version}}","name":"mynet","plugins":[{"type":"main","ipam":{{ipam}}}]}""");

    private static CniRuntime Runtime() => new(new CniPluginRegistry().Add(new DelegatingMain()).Add(new StaticIpamPlugin()));

    private static CniArgs Args(string id, string args = "") => new("ADD", id, "/var/run/netns/x", "eth0", args);

    [Fact]
    public void The_documented_example_returns_its_addresses_routes_and_dns()
    {
        var r = Runtime().Add(Net(DocsIpam), Args("c1"));
        Assert.Equal(["10.10.0.1/24", "3ffe:ffff:0:1ff::1/64"], r.Ips.Select(i => i.Address));
        Assert.Equal(["10.10.0.254", "3ffe:ffff::1"], r.Ips.Select(i => i.Gateway));
        Assert.Equal([new CniRoute("0.0.0.0/0"), new CniRoute("192.168.0.0/16", "10.10.5.1"), new CniRoute("3ffe:ffff:0:01ff::1/64")], r.Routes);
        Assert.Equal(["8.8.8.8"], r.Dns!.Nameservers);
        Assert.Equal("example.com", r.Dns.Domain);
    }

    [Fact]
    public void Two_pods_may_get_the_same_address_because_static_allocates_nothing_and_del_is_a_no_op()
    {
        var rt = Runtime();
        var net = Net(DocsIpam);
        Assert.Equal(rt.Add(net, Args("c1")).Ips[0].Address, rt.Add(net, Args("c2")).Ips[0].Address);
        rt.Del(net, Args("c1"));
        rt.Del(net, Args("never-added"));
    }

    [Fact]
    public void Cni_args_add_addresses_and_gateways_and_runtime_config_ips_replace_them()
    {
        var r = Runtime().Add(Net("""{"type":"static"}"""), Args("c1", "IgnoreUnknown=1;IP=10.0.0.5/24,10.1.0.5/16;GATEWAY=10.1.0.1"));
        Assert.Equal(["10.0.0.5/24", "10.1.0.5/16"], r.Ips.Select(i => i.Address));
        Assert.Equal([null, "10.1.0.1"], r.Ips.Select(i => i.Gateway));
        var rt = Runtime();
        rt.CapabilityArgs["ips"] = new System.Text.Json.Nodes.JsonArray("10.9.9.9/24");
        var net = NetworkConfigList.Parse("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"main","capabilities":{"ips":true},"ipam":{"type":"static","addresses":[{"address":"10.10.0.1/24"}]}}]}""");
        Assert.Equal("10.9.9.9/24", Assert.Single(rt.Add(net, Args("c1")).Ips).Address);
    }

    [Theory]
    [InlineData("""{"type":"static","addresses":[{"address":"10.10.0.1"}]}""", "1.0.0", "the 'address' field is expected to be in CIDR notation, got: '10.10.0.1'")]
    [InlineData("""{"type":"static","addresses":[{"address":"10.10.0.1/24","gateway":"ten"}]}""", "1.0.0", "invalid IP address: ten")]
    [InlineData("""{"type":"static","addresses":[{"address":"10.10.0.1/24"},{"address":"10.10.0.2/24"}]}""", "0.2.0", "CNI version 0.2.0 does not support more than 1 address per family")]
    public void Config_errors_are_the_plugins_own_with_code_999(string ipam, string version, string message)
    {
        var e = Assert.Throws<CniException>(() => Runtime().Add(Net(ipam, version), Args("c1")));
        Assert.Equal(CniException.Internal, e.Code);
        Assert.Equal(message, e.Msg);
    }

    [Fact]
    public void A_cni_arg_ip_without_a_prefix_is_refused()
    {
        var e = Assert.Throws<CniException>(() => Runtime().Add(Net("""{"type":"static"}"""), Args("c1", "IP=10.0.0.5")));
        Assert.Equal("the 'ip' field is expected to be in CIDR notation, got: '10.0.0.5'", e.Msg);
    }

    [Fact]
    public void An_address_of_the_wrong_json_type_is_a_decode_failure()
    {
        var e = Assert.Throws<CniException>(() => Net("""{"type":"static","addresses":[{"address":10}]}"""));
        Assert.Equal(CniException.DecodeFailure, e.Code);
    }

    [Fact]
    public void Check_matches_the_addresses_and_gateways_in_the_cached_result()
    {
        var rt = Runtime();
        var net = Net(DocsIpam);
        rt.Add(net, Args("c1"));
        rt.Check(net, Args("c1"));
        var changed = Net(DocsIpam.Replace("10.10.0.254", "10.10.0.253", StringComparison.Ordinal));
        var e = Assert.Throws<CniException>(() => rt.Check(changed, Args("c1")));
        Assert.Equal("static: Failed to match addr 10.10.0.1 on interface eth0", e.Msg);
    }
}
