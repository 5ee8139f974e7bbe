using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>nftables mode: the "ip kube-proxy" table as pkg/proxy/nftables writes it.</summary>
public class NftablesTests
{
    private static readonly KubeProxyNodeConfig Node = new("testHostname", Ipv4Address.Parse("192.168.0.2"), Ipv4Prefix.Parse("10.0.0.0/8"));

    private static NetworkNamespace HostNs() => new(new ProxyBed().Node("n"), "host");

    private static ServicePort Svc(string name, string ip, int endpoints, ushort nodePort = 0, bool affinity = false) =>
        new("ns1", name, "p80", Ipv4Header.ProtocolTcp, Ipv4Address.Parse(ip), 80, nodePort,
            Enumerable.Range(1, endpoints).Select(i => new ServiceEndpoint(Ipv4Address.Parse($"10.180.0.{i}"), 80, "testHostname")).ToArray(),
            affinity, ServicePort.DefaultAffinityTimeoutSeconds, false, false);

    private static string[] Rules(NftTable t, string chain) => t.TryGetChain(chain, out NftChain c) ? c.Rules.Select(r => r.ToString()).ToArray() : [];

    [Fact]
    public void A_Service_gets_a_service_chain_with_a_numgen_vmap_and_one_endpoint_chain_per_endpoint()
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyNftables();
        proxy.Sync(ns, Node, [Svc("svc1", "172.30.0.41", 2, nodePort: 3001, affinity: true)]);
        NftTable t = proxy.Table!;

        const string svc = "service-ULMVA6XW-ns1/svc1/tcp/p80";
        const string ep1 = "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80";
        string ep2 = "endpoint-" + KubeProxyChainNames.NftHashAndTruncate("ns1/svc1/tcp/p80__10.180.0.2/80");
        string aff1 = "affinity-" + ep1["endpoint-".Length..], aff2 = "affinity-" + ep2["endpoint-".Length..];
        Assert.Equal(
        [
            "ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
            $"ip saddr @{aff1} goto {ep1}",
            $"ip saddr @{aff2} goto {ep2}",
            $"numgen random mod 2 vmap {{ 0 : goto {ep1}, 1 : goto {ep2} }}",
        ], Rules(t, svc));
        Assert.Equal(["ip saddr 10.180.0.1 jump mark-for-masquerade", $"update @{aff1} {{ ip saddr }}", "meta l4proto tcp dnat to 10.180.0.1:80"], Rules(t, ep1));
        Assert.Equal(["jump mark-for-masquerade", "goto " + svc], Rules(t, "external-ULMVA6XW-ns1/svc1/tcp/p80"));
        Assert.Equal(svc, t.ServiceIps[new ServiceFrontend(Ipv4Address.Parse("172.30.0.41"), 6, 80)].Name);
        Assert.Equal("external-ULMVA6XW-ns1/svc1/tcp/p80", t.ServiceNodePorts[new ServiceFrontend(Ipv4Address.Any, 6, 3001)].Name);
    }

    [Fact]
    public void The_fixed_chains_dispatch_through_verdict_maps_and_masquerade_marked_traffic()
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyNftables();
        proxy.Sync(ns, Node, []);
        NftTable t = proxy.Table!;
        Assert.Equal(["ct state new jump endpoints-check"], Rules(t, "filter-input"));
        Assert.Equal(["ct state new jump endpoints-check", "ct state new jump firewall-check"], Rules(t, "filter-output"));
        Assert.Equal(["jump services"], Rules(t, "nat-prerouting"));
        Assert.Equal(["jump masquerading"], Rules(t, "nat-postrouting"));
        Assert.Equal(["ip daddr . meta l4proto . th dport vmap @service-ips",
            "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"], Rules(t, "services"));
        Assert.Equal(["mark and 0x00004000 == 0 return", "mark set mark xor 0x00004000", "masquerade fully-random"], Rules(t, "masquerading"));
        Assert.Equal(["mark set mark or 0x00004000"], Rules(t, "mark-for-masquerade"));
        Assert.Equal(ConntrackMode.On, ns.Conntrack.Mode); // nft nat chains need conntrack
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(100, 3)]
    [InlineData(1000, 3)]
    public void Rule_count_is_18_plus_N_times_2_plus_2E_and_the_maps_hold_one_element_per_Service(int n, int e)
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyNftables();
        proxy.Sync(ns, Node, Enumerable.Range(0, n).Select(i => Svc($"s{i}", $"172.30.{i / 250}.{i % 250 + 1}", e)).ToArray());
        // Fixed: 8 base-chain jumps, mark-for-masquerade 1, masquerading 3, reject-chain 1, endpoints-check 2,
        // firewall-check 1, services 2. Per Service: masquerade rule + numgen; per endpoint: hairpin + dnat.
        Assert.Equal(18 + n * (2 + 2 * e), proxy.RuleCount);
        Assert.Equal(n, proxy.MapElements);
    }

    [Fact]
    public void Services_without_endpoints_go_to_the_no_endpoint_maps()
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyNftables();
        ServicePort local = Svc("local", "172.30.0.2", 1) with { InternalTrafficPolicyLocal = true, Endpoints = [new(Ipv4Address.Parse("10.180.0.9"), 80, "other")] };
        proxy.Sync(ns, Node, [Svc("none", "172.30.0.1", 0, nodePort: 3001), local]);
        NftTable t = proxy.Table!;
        Assert.Equal("reject-chain", t.NoEndpointServices[new ServiceFrontend(Ipv4Address.Parse("172.30.0.1"), 6, 80)]!.Name);
        Assert.Null(t.NoEndpointServices[new ServiceFrontend(Ipv4Address.Parse("172.30.0.2"), 6, 80)]); // drop
        Assert.Equal("reject-chain", t.NoEndpointNodePorts[new ServiceFrontend(Ipv4Address.Any, 6, 3001)]!.Name);
        Assert.Empty(t.ServiceIps);
    }

    [Fact]
    public void A_resync_flushes_chains_and_maps_but_keeps_affinity()
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 4);
        ServicePort sticky = ProxyCluster.Service("web", "10.96.0.10", c.Pods(0, 1, 2, 3), protocol: Ipv4Header.ProtocolUdp, affinity: true);
        c.Install("nftables", [sticky, ProxyCluster.Service("other", "10.96.0.11", c.Pods(0, 1))]);
        var proxy = (KubeProxyNftables)c[0].Proxy!;
        foreach (PodSink s in c[0].Sinks) s.EchoUdp = false;
        bed.Send(c[0].Pods[0], bed.Udp(Ipv4Address.Parse("10.96.0.10"), 20000, 80));
        bed.Run();
        int endpoint = Array.FindIndex(c[0].Sinks, s => s.Arrivals.Count == 1);

        proxy.Sync(c[0].Host, ProxyCluster.Config(c[0]), [sticky]);
        Assert.Equal(18 + (2 + 2 * 3) + 3 + 3, proxy.RuleCount); // three endpoints: + 3 affinity gotos and 3 affinity updates
        bed.Send(c[0].Pods[0], bed.Udp(Ipv4Address.Parse("10.96.0.10"), 20001, 80));
        bed.Run();
        Assert.Equal(2, c[0].Sinks[endpoint].Arrivals.Count);
        bed.AssertConservation();
    }
}
