using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>cluster.dhcp_server and the dhcp_server_down/up events: defaults, a round trip, and bad values named by field and line.</summary>
public class DhcpServerFieldsTests
{
    private static string Yaml(string server, string events = "") => $$"""
        name: d
        duration: 10s
        cluster:
          nodes: { count: 2 }
          dhcp_server: {{server}}
        cni: { datapath: macvlan }
        workloads:
          - { name: web, replicas: 2 }
        traffic:
          - { name: p, kind: ping, from: pod:web-0, to: pod:web-1 }
        {{events}}
        """;

    [Fact]
    public void Defaults_are_the_node_networks_2_and_an_hour_and_survive_a_round_trip()
    {
        var s = ScenarioLoader.Parse(Yaml("{ pool: 172.18.1.10-172.18.1.20 }", "events:\n  - { at: 1s, kind: dhcp_server_down }\n  - { at: 2s, kind: dhcp_server_up }"), "d.yaml");
        var d = s.Cluster.DhcpServer!;
        Assert.Equal(Ipv4Address.Parse("172.18.0.2"), d.Address);
        Assert.Equal(SimTime.FromSeconds(3600), d.LeaseTime);
        Assert.Null(d.Router);
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "resolved.yaml");
        Assert.Equal(d, again.Cluster.DhcpServer);
        Assert.Equal(["dhcp_server_down", "dhcp_server_up"], again.Events.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("{ lease_time: 1m }", "cluster.dhcp_server.pool")]
    [InlineData("{ pool: 172.18.1.10 }", "cluster.dhcp_server.pool")]
    [InlineData("{ pool: 10.0.0.1-10.0.0.9 }", "cluster.dhcp_server.pool")]
    [InlineData("{ pool: 172.18.1.20-172.18.1.10 }", "cluster.dhcp_server.pool")]
    [InlineData("{ pool: 172.18.1.10-172.18.1.20, address: 172.18.1.15 }", "cluster.dhcp_server.address")]
    [InlineData("{ pool: 172.18.1.10-172.18.1.20, address: 10.1.1.1 }", "cluster.dhcp_server.address")]
    [InlineData("{ pool: 172.18.1.10-172.18.1.20, lease_time: 0s }", "cluster.dhcp_server.lease_time")]
    [InlineData("{ pool: 172.18.1.10-172.18.1.20, router: nowhere }", "cluster.dhcp_server.router")]
    [InlineData("{ pool: 172.18.1.10-172.18.1.20, leases: 3 }", "cluster.dhcp_server.leases")]
    public void A_bad_field_is_named_with_its_line(string server, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml(server), "d.yaml"));
        Assert.Equal(field, e.Field);
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void A_server_needs_one_switch()
    {
        string yaml = Yaml("{ pool: 172.18.1.10-172.18.1.20 }").Replace("  nodes: { count: 2 }\n", "  nodes: { count: 2 }\n  fabric: { type: veth-pair }\n", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "d.yaml"));
        Assert.Equal("cluster.dhcp_server.address", e.Field);
        Assert.Contains("one L2 segment", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_event_without_a_server_is_refused()
    {
        string yaml = Yaml("{ pool: 172.18.1.10-172.18.1.20 }", "events:\n  - { at: 1s, kind: dhcp_server_down }").Replace("  dhcp_server: { pool: 172.18.1.10-172.18.1.20 }\n", "", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "d.yaml"));
        Assert.Equal("events[0].kind", e.Field);
    }
}
