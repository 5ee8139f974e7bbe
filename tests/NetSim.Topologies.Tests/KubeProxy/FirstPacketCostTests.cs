using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;
using Xunit.Abstractions;
using static NetSim.Topologies.Tests.KubeProxy.Fixtures.ProxyCosts;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>
/// Where the per-packet cost of Service translation comes from: iptables scans KUBE-SERVICES rule by rule on the
/// first packet of a connection; IPVS, nftables and eBPF do one hash lookup; later packets only see conntrack.
/// </summary>
public class FirstPacketCostTests(ITestOutputHelper output)
{
    private static readonly int[] Scales = [100, 1000, 5000];

    /// <summary>Node CPU for a pod's SYN to the last of <paramref name="services"/> Services (endpoint on the same node) and for the ACK after it.</summary>
    private static (long First, long Later, long LaterRules) Measure(string mode, int services)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed, nodes: 1, podsPerNode: 2);
        ServicePort[] svcs = Enumerable.Range(0, services)
            .Select(i => ProxyCluster.Service($"s{i}", $"10.96.{i / 250}.{i % 250 + 1}", c.Pods(0, 1)))
            .ToArray();
        c.Install(mode, svcs);
        ProxyNode n = c[0];
        Ipv4Address vip = svcs[^1].ClusterIp;

        long before = n.Node.Cpu.TotalBusyPs;
        bed.Send(n.Pods[0], bed.Tcp(vip, 40000, 80, TcpFlags.Syn));
        bed.Run();
        long first = n.Sinks[1].Arrivals[0].Cpu - before;
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, Assert.Single(n.Sinks[0].Arrivals).Flags);

        before = n.Node.Cpu.TotalBusyPs;
        long rulesBefore = n.Host.Netfilter.RulesEvaluated;
        bed.Send(n.Pods[0], bed.Tcp(vip, 40000, 80, TcpFlags.Ack, seq: 2, ack: 1001));
        bed.Run();
        long later = n.Sinks[1].Arrivals[1].Cpu - before;
        Assert.Equal(TcpFlags.Ack, n.Sinks[1].Arrivals[1].Flags);
        bed.AssertConservation();
        return (first, later, n.Host.Netfilter.RulesEvaluated - rulesBefore);
    }

    [Fact]
    public void Iptables_first_packet_cost_grows_by_one_rule_per_Service_listed_before_it()
    {
        var r = Scales.Select(n => Measure("iptables", n)).ToArray();
        output.WriteLine($"iptables first packet: {string.Join(", ", Scales.Zip(r, (n, m) => $"{n} Services {m.First / 1e6:F2} us"))}");
        // KUBE-SERVICES is a linear scan: the Service at position N costs N rule evaluations before its jump.
        Assert.Equal((1000 - 100) * Ns(NetfilterRule), r[1].First - r[0].First);
        Assert.Equal((5000 - 1000) * Ns(NetfilterRule), r[2].First - r[1].First);
        Assert.All(r, m => Assert.Equal(r[0].Later, m.Later)); // later packets never see the nat table
    }

    [Theory]
    [InlineData("ipvs")]
    [InlineData("nftables")]
    [InlineData("ebpf")]
    public void Hash_lookup_modes_have_a_first_packet_cost_independent_of_the_number_of_Services(string mode)
    {
        var r = Scales.Select(n => Measure(mode, n)).ToArray();
        output.WriteLine($"{mode} first packet: {string.Join(", ", Scales.Zip(r, (n, m) => $"{n} Services {m.First / 1e6:F2} us"))}; later {r[0].Later / 1e6:F2} us");
        Assert.All(r, m => Assert.Equal(r[0].First, m.First));
        Assert.All(r, m => Assert.Equal(r[0].Later, m.Later));
    }

    [Fact]
    public void Later_packets_cost_the_same_conntrack_path_in_the_netfilter_modes_apart_from_their_own_filter_rules()
    {
        var modes = new[] { "iptables", "ipvs", "nftables" };
        var later = modes.ToDictionary(m => m, m => Measure(m, 1000));
        foreach (var (m, v) in later) output.WriteLine($"{m}: later packet {v.Later / 1e6:F3} us, {v.LaterRules} rules evaluated");
        // Same hooks, same conntrack lookup and NAT rewrite; they differ only by the FORWARD filter rules each mode
        // hooks in: iptables KUBE-PROXY-FIREWALL (ct new) + KUBE-FORWARD (4), IPVS KUBE-PROXY-FIREWALL + KUBE-FORWARD
        // (3), nftables "ct state new" jumps at filter-prerouting and filter-forward (2).
        Assert.Equal((5L, 4L, 2L), (later["iptables"].LaterRules, later["ipvs"].LaterRules, later["nftables"].LaterRules));
        // iptables and IPVS rules are x_tables' here (netfilter.rule), nftables' its own (nftables.rule).
        long Path(string m) => later[m].Later - later[m].LaterRules * Ns(m == "nftables" ? NftablesRule : NetfilterRule);
        Assert.Equal(Path("iptables"), Path("ipvs"));
        Assert.Equal(Path("iptables"), Path("nftables"));
    }

    [Fact]
    public void The_first_packet_through_nftables_costs_its_lookups_and_rules_not_its_Service_count()
    {
        // The nftables first packet is the later-packet path (whose "ct state new" jumps are already counted) plus:
        // PREROUTING: firewall-check's vmap (1 rule, 1 lookup); nat-prerouting: jump services and its service-ips
        // vmap (2 rules, 1 lookup), the service chain's masquerade test and numgen vmap (2 rules, 1 lookup), the
        // endpoint chain's hairpin test and dnat (2 rules). FORWARD: endpoints-check's two vmaps (2 rules; only
        // no-endpoint-services is looked up: the destination is no longer local). POSTROUTING: jump masquerading and
        // its mark test (2 rules). And conntrack confirms the new entry.
        var (first, later, _) = Measure("nftables", 100);
        const long extraRules = 1 + 2 + 2 + 2 + 2 + 2, lookups = 4;
        long extra = Ns(extraRules * NftablesRule + lookups * NftablesLookup + ConntrackInsert);
        output.WriteLine($"nftables: first {first / 1e6:F3} us, later {later / 1e6:F3} us");
        Assert.Equal(later + extra, first);
    }
}
