using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Tests.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Traffic.Dns;
using Xunit;

namespace NetSim.Topologies.Tests.Dns;

public class ClusterDnsTests
{
    private static readonly ResolvConf Pod = new(Ipv4Address.Parse("10.96.0.10"),
        ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"], 5, SimTime.FromSeconds(5), 2);

    [Fact]
    public void A_short_name_tries_every_search_domain_before_itself()
    {
        Assert.Equal(["example.com.default.svc.cluster.local", "example.com.svc.cluster.local", "example.com.cluster.local", "example.com"],
            Pod.Candidates("example.com"));
    }

    [Fact]
    public void A_fully_qualified_name_skips_the_search_list()
    {
        Assert.Equal(["example.com"], Pod.Candidates("example.com."));
    }

    [Fact]
    public void A_name_with_ndots_dots_is_tried_as_is_first()
    {
        Assert.Equal("a.b.c.d.e", (Pod with { Ndots = 4 }).Candidates("a.b.c.d.e")[0]);
        Assert.Equal(4, Pod.Candidates("a.b.c.d.e").Count - 0); // ndots 5: four dots are fewer, search list first
        Assert.Equal("a.b.c.d.e", Pod.Candidates("a.b.c.d.e")[^1]);
    }

    [Fact]
    public void A_dns_message_survives_its_tag()
    {
        var m = new DnsMessage(0xBEEF, true, true, DnsRcode.NxDomain, 0x1F_FFFF, 0xF_FFFF);
        Assert.Equal(m, DnsMessage.Decode(m.Encode()));
        Assert.Equal(12 + 13 + 4, DnsMessage.QueryBytes("example.com"));
    }

    private const string Yaml = """
        name: dns-test
        seed: 3
        duration: 12s
        cluster: { nodes: { count: 2 }, nic: { rate: 10Gbps }, conntrack_clash: matching }
        cni: { datapath: flannel-vxlan }
        dns: { replicas: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: 3, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
          - { name: web-headless, type: Headless, selector: { app: web }, ports: [{ port: 8080 }] }
          - { name: billing, type: ExternalName, external_name: billing.example.com }
        traffic:
          - { name: lookups, kind: dns, from: pod:client, to: "dns:web", interval: 100ms }
        """;

    private static RunResult Run(params string[] sets) =>
        new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "dns.yaml", sets), ClusterSimulationTests.Profile(), null, RunOptions.Default);

    private static long InsertFailed(RunResult r) => r.Drops.Where(d => d.Reason == NetSim.Engine.Packets.DropReason.ConntrackInsertFailed).Sum(d => d.Packets);

    [Fact]
    public void The_parallel_A_AAAA_race_loses_a_query_and_waits_the_5s_timeout()
    {
        var r = Run();
        var g = r.Groups.Single();
        Assert.True(InsertFailed(r) > 0);
        Assert.True(g.Application.DnsTimeouts > 0);
        Assert.True(g.Application.DnsLatency!.MaxPs >= SimTime.FromSeconds(5).Picoseconds);
    }

    [Theory]
    [InlineData("dns.single_request_reopen=true")]
    [InlineData("dns.single_request=true")]
    [InlineData("cluster.conntrack_clash=insert")]
    [InlineData("dns.replicas=1")] // one backend: both entries get the same NAT and merge (Linux 4.19)
    [InlineData("dns.use_vc=true")] // TCP: one SYN per connection, nothing to race
    public void Each_fix_removes_the_race(string fix)
    {
        var r = Run(fix);
        var g = r.Groups.Single();
        Assert.Equal(0, InsertFailed(r));
        Assert.Equal(0, g.Application.DnsTimeouts);
        Assert.True(g.Application.DnsLatency!.MaxPs < SimTime.FromMilliseconds(50).Picoseconds);
        Assert.True(g.Application.Transactions > 100);
    }

    [Theory]
    [InlineData("dns:web-headless.default.svc.cluster.local.", 3)]
    [InlineData("dns:web.default.svc.cluster.local.", 1)]
    public void The_zone_answers_one_A_per_ready_pod_of_a_headless_Service_and_one_for_a_ClusterIP(string name, int records)
    {
        var s = ScenarioLoader.Parse(Yaml, "dns.yaml", [$"traffic[0].to={name}"]);
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var services = new ServiceWiring(cluster);
        services.Program();
        var wiring = new TrafficWiring(cluster, new Traffic.Metrics.FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0))) { ResolveService = services.Resolve, Services = services };
        var zone = wiring.ClusterDns!.Zone;
        var (rcode, answer) = zone.Answer(zone.Names.Id(name[4..]), aaaa: false);
        Assert.Equal(DnsRcode.NoError, rcode);
        Assert.Equal(records, zone.Answers.Get(answer)!.Addresses.Count);
        var (cname, external) = zone.Answer(zone.Names.Id("billing.default.svc.cluster.local"), aaaa: false);
        Assert.Equal("billing.example.com", zone.Answers.Get(external)!.Cname);
        Assert.Equal(DnsRcode.NxDomain, zone.Answer(zone.Names.Id("nothing.default.svc.cluster.local"), false).Rcode);
        Assert.Equal(Ipv4Address.Parse("10.96.0.10"), s.Dns.ClusterIp);
    }

    [Theory]
    [InlineData("dns.ndots=16", "dns.ndots")]
    [InlineData("dns.cluster_ip=10.0.0.10", "dns.cluster_ip")]
    [InlineData("dns.colour=blue", "dns.colour")]
    [InlineData("services[2].external_name=-bad-", "services[2].external_name")]
    [InlineData("traffic[0].to=dns:web:99999", "traffic[0].to")]
    public void Bad_dns_input_names_the_field(string set, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Yaml, "dns.yaml", [set]));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resolved_scenario_keeps_dns_ExternalName_and_the_clash_policy()
    {
        var original = ScenarioLoader.Parse(Yaml, "dns.yaml", ["dns.single_request_reopen=true", "dns.cache=false", "cluster.conntrack_clash=drop", "dns.use_vc=true", "dns.tcp_idle_timeout=20s"]);
        string written = ScenarioWriter.Write(original);
        var reloaded = ScenarioLoader.Parse(written, "again.yaml");
        Assert.Equal(original.Dns, reloaded.Dns);
        Assert.Equal("drop", reloaded.Cluster.ConntrackClash);
        Assert.Equal("billing.example.com", reloaded.Services.Single(v => v.Name == "billing").ExternalName);
        Assert.Equal(written, ScenarioWriter.Write(reloaded));
    }

    [Fact]
    public void NodeLocal_DNSCache_answers_on_the_link_local_address_untracked_and_forwards_misses_over_TCP()
    {
        var s = ScenarioLoader.Parse(Yaml, "dns.yaml", ["dns.node_local=true"]);
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var services = new ServiceWiring(cluster);
        services.Program();
        var wiring = new TrafficWiring(cluster, new Traffic.Metrics.FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0))) { ResolveService = services.Resolve, Services = services };
        wiring.WireAll();
        var dns = wiring.ClusterDns!;
        Assert.Equal(Ipv4Address.Parse("169.254.20.10"), dns.ResolvConfFor("default").Nameserver);
        var node1 = cluster.Node("node1");
        Assert.Contains(node1.Host.Netfilter.Raw.Chains, c => c.Name == "NODELOCALDNS_PRE_raw" && c.Rules.Any(r => r.Target is Datapaths.Netfilter.NotrackTarget));
        cluster.Context.Sim.RunUntil(SimTime.FromSeconds(12));
        var cache = dns.NodeCaches.Single(c => c.Queries > 0);
        Assert.True(cache.CacheHits > 0);
        Assert.True(cache.ForwardedOverTcp > 0);
        Assert.Equal(0, cluster.Context.Pool.Dropped(NetSim.Engine.Packets.DropReason.ConntrackInsertFailed));
        // The UDP queries never entered conntrack on the client's node: only the TCP connection to kube-dns did.
        Assert.DoesNotContain(node1.Host.Conntrack.Entries, e => e.Original.Protocol == NetSim.Engine.Packets.Ipv4Header.ProtocolUdp);
        var app = wiring.Apps.Single().Metrics;
        Assert.Equal(0, app.DnsTimeouts);
        Assert.True(app.Transactions > 100);
    }

    [Theory]
    [InlineData("dns:billing:443")]
    [InlineData("dns:example.com:443")]
    [InlineData("dns:web.other:80")]
    public void A_connection_to_a_name_that_leads_to_no_Service_is_refused_at_its_field(string to)
    {
        string yaml = Yaml.Replace("kind: dns, from: pod:client, to: \"dns:web\", interval: 100ms", $"kind: crr, from: pod:client, to: \"{to}\"", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "dns.yaml"));
        Assert.Contains("traffic[0].to", e.Message, StringComparison.Ordinal);
        Assert.Contains("dns.yaml:", e.Message, StringComparison.Ordinal);
    }
}
