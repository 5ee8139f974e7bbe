using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>The iptables proxier's chains, checked against pkg/proxy/iptables' golden dumps and its rule arithmetic.</summary>
public class IptablesRuleTests
{
    private static readonly Ipv4Prefix Cidr = Ipv4Prefix.Parse("10.0.0.0/8");
    private static readonly KubeProxyNodeConfig Node = new("testHostname", Ipv4Address.Parse("192.168.0.2"), Cidr);

    private static NetworkNamespace HostNs()
    {
        var bed = new ProxyBed();
        return new NetworkNamespace(bed.Node("n"), "host");
    }

    private static ServicePort Svc(string ns, string name, string portName, string ip, int endpoints, ushort nodePort = 0,
        bool affinity = false, bool etpLocal = false, bool itpLocal = false, string node = "testHostname") =>
        new(ns, name, portName, Ipv4Header.ProtocolTcp, Ipv4Address.Parse(ip), 80, nodePort,
            Enumerable.Range(1, endpoints).Select(i => new ServiceEndpoint(Ipv4Address.Parse($"10.180.0.{i}"), 80, node)).ToArray(),
            affinity, ServicePort.DefaultAffinityTimeoutSeconds, etpLocal, itpLocal);

    private static string Target(IptRule r) => r.Target?.Chain?.Name ?? r.Target?.ToString() ?? "";

    [Fact]
    public void Chain_names_are_kube_proxys_sha256_base32_hashes()
    {
        Assert.Equal("XPGD46QRK7WJZT7O", KubeProxyChainNames.PortProtoHash("ns1/svc1:p80", "tcp"));
        Assert.Equal("AQI2S6QIMU7PVVRP", KubeProxyChainNames.PortProtoHash("ns1/svc1", "tcp"));
        Assert.Equal("SXIVWICOYRO3J4NJ", KubeProxyChainNames.EndpointHash("ns1/svc1:p80", "tcp", "10.180.0.1:80"));

        ServicePort named = Svc("ns1", "svc1", "p80", "172.30.0.41", 1);
        Assert.Equal("KUBE-SVC-XPGD46QRK7WJZT7O", KubeProxyChainNames.Svc(named));
        Assert.Equal("KUBE-EXT-XPGD46QRK7WJZT7O", KubeProxyChainNames.Ext(named));
        Assert.Equal("KUBE-SVL-XPGD46QRK7WJZT7O", KubeProxyChainNames.Svl(named));
        Assert.Equal("KUBE-SEP-SXIVWICOYRO3J4NJ", KubeProxyChainNames.Sep(named, named.Endpoints[0]));
        Assert.Equal("KUBE-SVC-AQI2S6QIMU7PVVRP", KubeProxyChainNames.Svc(Svc("ns1", "svc1", "", "172.30.0.41", 1)));
        // nftables: the golden test's "service-ULMVA6XW-ns1/svc1/tcp/p80" and "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"
        Assert.Equal("ULMVA6XW-ns1/svc1/tcp/p80", KubeProxyChainNames.NftServiceBase(named));
        Assert.Equal("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80", KubeProxyChainNames.NftEndpointBase(named, named.Endpoints[0]));
    }

    [Fact]
    public void Probabilities_are_the_values_kube_proxy_prints_with_ten_decimals()
    {
        Assert.Equal(0.3333333333, KubeProxyIptables.Probability(3));
        Assert.Equal(0.5, KubeProxyIptables.Probability(2));
        Assert.Equal(0.25, KubeProxyIptables.Probability(4));
        Assert.Equal(0.1428571429, KubeProxyIptables.Probability(7)); // rounded, not truncated
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 3)]
    [InlineData(100, 5)]
    [InlineData(1000, 3)]
    public void Rule_count_for_N_ClusterIP_Services_with_E_endpoints_is_23_plus_2N_plus_3NE(int n, int e)
    {
        NetworkNamespace ns = HostNs();
        var services = Enumerable.Range(0, n).Select(i => Svc("ns", $"s{i}", "p", $"172.30.{i / 250}.{i % 250 + 1}", e)).ToArray();
        var proxy = new KubeProxyIptables();
        proxy.Sync(ns, Node, services);

        // nat: 3 jumps from PREROUTING/OUTPUT/POSTROUTING, KUBE-SERVICES N + 1 (nodeports), KUBE-SVC N × (1 masquerade + E),
        // KUBE-SEP N × E × 2, KUBE-MARK-MASQ 1, KUBE-POSTROUTING 3;
        // filter: 11 jumps from INPUT/FORWARD/OUTPUT, KUBE-FORWARD 3, KUBE-FIREWALL 1.
        int expected = 3 + (n + 1) + n * (1 + e) + 2 * n * e + 1 + 3 + 11 + 3 + 1;
        Assert.Equal(23 + 2 * n + 3 * n * e, expected);
        Assert.Equal(expected, proxy.RuleCount);
        Assert.Equal(expected, ns.Netfilter.Nat.Chains.Sum(c => c.Rules.Count) + ns.Netfilter.Filter.Chains.Sum(c => c.Rules.Count));
    }

    [Fact]
    public void Each_NodePort_adds_its_KUBE_NODEPORTS_rule_and_a_two_rule_KUBE_EXT_chain()
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyIptables();
        proxy.Sync(ns, Node, [Svc("ns", "a", "p", "172.30.0.1", 2, nodePort: 30001), Svc("ns", "b", "p", "172.30.0.2", 2)]);
        Assert.Equal(23 + 2 * 2 + 3 * 2 * 2 + 3, proxy.RuleCount);
        IptChain ext = ns.Netfilter.Nat[KubeProxyChainNames.Ext(Svc("ns", "a", "p", "172.30.0.1", 2, nodePort: 30001))];
        Assert.Equal(["KUBE-MARK-MASQ", "KUBE-SVC-" + KubeProxyChainNames.PortProtoHash("ns/a:p", "tcp")], ext.Rules.Select(Target));
        IptRule np = Assert.Single(ns.Netfilter.Nat["KUBE-NODEPORTS"].Rules);
        Assert.Equal((Ipv4Header.ProtocolTcp, new PortRange(30001), ext), (np.Protocol, np.DestinationPort!.Value, np.Target!.Chain));
    }

    [Fact]
    public void KUBE_SERVICES_lists_ClusterIPs_in_order_and_ends_with_the_NodePorts_jump_and_KUBE_SVC_cascades_over_sorted_endpoints()
    {
        NetworkNamespace ns = HostNs();
        // Endpoints deliberately unsorted: kube-proxy sorts by the "ip:port" string, so .10 comes before .2.
        var svc = new ServicePort("ns1", "svc1", "p80", Ipv4Header.ProtocolTcp, Ipv4Address.Parse("172.30.0.41"), 80, 0,
            [new(Ipv4Address.Parse("10.0.1.3"), 80, "n"), new(Ipv4Address.Parse("10.0.1.10"), 80, "n"), new(Ipv4Address.Parse("10.0.1.2"), 80, "n")],
            false, 0, false, false);
        new KubeProxyIptables().Sync(ns, Node, [Svc("ns0", "first", "", "172.30.0.40", 1), svc]);

        IptChain services = ns.Netfilter.Nat["KUBE-SERVICES"];
        Assert.Equal(3, services.Rules.Count);
        Assert.Equal(Ipv4Prefix.Parse("172.30.0.41/32"), services.Rules[1].Destination);
        Assert.Equal("KUBE-SVC-XPGD46QRK7WJZT7O", Target(services.Rules[1]));
        IptRule last = services.Rules[^1];
        Assert.Equal(AddrType.Local, Assert.IsType<AddrTypeMatch>(Assert.Single(last.Matches)).DestinationType);
        Assert.Equal("KUBE-NODEPORTS", Target(last));

        IptChain svcChain = ns.Netfilter.Nat["KUBE-SVC-XPGD46QRK7WJZT7O"];
        Assert.Equal(4, svcChain.Rules.Count);
        IptRule masq = svcChain.Rules[0];
        Assert.Equal((Cidr, true, "KUBE-MARK-MASQ"), (masq.Source!.Value, masq.SourceInvert, Target(masq)));
        double?[] probabilities = svcChain.Rules.Skip(1).Select(r => r.Matches.OfType<StatisticMatch>().FirstOrDefault()?.Probability).ToArray();
        Assert.Equal([0.3333333333, 0.5, null], probabilities);
        string[] seps = ["10.0.1.10:80", "10.0.1.2:80", "10.0.1.3:80"];
        Assert.Equal(seps.Select(e => "KUBE-SEP-" + KubeProxyChainNames.EndpointHash("ns1/svc1:p80", "tcp", e)), svcChain.Rules.Skip(1).Select(Target));

        IptChain sep = ns.Netfilter.Nat["KUBE-SEP-" + KubeProxyChainNames.EndpointHash("ns1/svc1:p80", "tcp", "10.0.1.2:80")];
        Assert.Equal(Ipv4Prefix.Parse("10.0.1.2/32"), sep.Rules[0].Source); // hairpin
        Assert.Equal("KUBE-MARK-MASQ", Target(sep.Rules[0]));
        var dnat = Assert.IsType<DnatTarget>(sep.Rules[1].Target);
        Assert.Equal((Ipv4Address.Parse("10.0.1.2"), (ushort)80), (dnat.Range.MinAddress, dnat.Range.MinPort));
    }

    [Fact]
    public void Fixed_chains_mark_masquerade_and_accept_as_kube_proxy_writes_them()
    {
        NetworkNamespace ns = HostNs();
        new KubeProxyIptables().Sync(ns, Node, []);
        Assert.Equal(0x4000u, Assert.IsType<MarkTarget>(Assert.Single(ns.Netfilter.Nat["KUBE-MARK-MASQ"].Rules).Target).Value);
        IReadOnlyList<IptRule> post = ns.Netfilter.Nat["KUBE-POSTROUTING"].Rules;
        Assert.True(Assert.IsType<MarkMatch>(Assert.Single(post[0].Matches)).Invert);
        Assert.Equal(StandardTarget.Return, post[0].Target);
        Assert.Equal((0x4000u, 0u), (Assert.IsType<MarkTarget>(post[1].Target).Value, ((MarkTarget)post[1].Target!).Mask)); // --xor-mark
        Assert.Equal(Datapaths.Conntrack.NatRangeOptions.RandomFully, Assert.IsType<MasqueradeTarget>(post[2].Target).Flags);
        IReadOnlyList<IptRule> fwd = ns.Netfilter.Filter["KUBE-FORWARD"].Rules;
        Assert.Equal([CtState.Invalid, CtState.Related | CtState.Established],
            fwd.SelectMany(r => r.Matches).OfType<ConntrackStateMatch>().Select(m => m.States));
        Assert.Equal([StandardTarget.Drop, StandardTarget.Accept, StandardTarget.Accept], fwd.Select(r => r.Target));
    }

    [Fact]
    public void Jumps_from_the_built_in_chains_are_in_the_order_kube_proxys_prepends_leave_them()
    {
        NetworkNamespace ns = HostNs();
        new KubeProxyIptables().Sync(ns, Node, []);
        string[] Chain(IptTable t, NfInetHook h) => t.Builtin(h).Rules.Select(Target).ToArray();
        Assert.Equal(["KUBE-FIREWALL", "KUBE-PROXY-FIREWALL", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES"], Chain(ns.Netfilter.Filter, NfInetHook.LocalIn));
        Assert.Equal(["KUBE-PROXY-FIREWALL", "KUBE-FORWARD", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"], Chain(ns.Netfilter.Filter, NfInetHook.Forward));
        Assert.Equal(["KUBE-FIREWALL", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"], Chain(ns.Netfilter.Filter, NfInetHook.LocalOut));
        Assert.Equal(["KUBE-SERVICES"], Chain(ns.Netfilter.Nat, NfInetHook.PreRouting));
        Assert.Equal(["KUBE-SERVICES"], Chain(ns.Netfilter.Nat, NfInetHook.LocalOut));
        Assert.Equal(["KUBE-POSTROUTING"], Chain(ns.Netfilter.Nat, NfInetHook.PostRouting));
    }

    [Fact]
    public void Session_affinity_checks_recent_lists_first_and_the_DNAT_rule_sets_them()
    {
        NetworkNamespace ns = HostNs();
        ServicePort svc = Svc("ns1", "svc1", "p80", "172.30.0.41", 2, affinity: true);
        new KubeProxyIptables().Sync(ns, Node, [svc]);
        IReadOnlyList<IptRule> rules = ns.Netfilter.Nat[KubeProxyChainNames.Svc(svc)].Rules;
        Assert.Equal(1 + 2 + 2, rules.Count); // masquerade, two recent checks, two picks
        for (int i = 0; i < 2; i++)
        {
            var recent = Assert.IsType<RecentMatch>(Assert.Single(rules[1 + i].Matches));
            string sep = KubeProxyChainNames.Sep(svc, svc.Endpoints[i]);
            Assert.Equal((RecentCommand.Check, 10800L, true, sep, sep), (recent.Command, recent.Seconds, recent.Reap, recent.ListName, Target(rules[1 + i])));
            Assert.NotNull(ns.Netfilter.Recent(sep)); // the node's own list, which the shared rules name
            IptRule dnat = ns.Netfilter.Nat[sep].Rules[1];
            Assert.Equal(RecentCommand.Set, Assert.IsType<RecentMatch>(Assert.Single(dnat.Matches)).Command);
            Assert.Equal(recent.ListName, ((RecentMatch)dnat.Matches[0]).ListName);
        }
    }

    [Fact]
    public void Services_without_usable_endpoints_get_filter_REJECT_or_DROP_rules()
    {
        NetworkNamespace ns = HostNs();
        ServicePort none = Svc("ns", "none", "", "172.30.0.1", 0, nodePort: 30001);
        ServicePort itpLocal = Svc("ns", "itp", "", "172.30.0.2", 1, itpLocal: true, node: "other");
        ServicePort etpLocal = Svc("ns", "etp", "", "172.30.0.3", 1, nodePort: 30003, etpLocal: true, node: "other");
        new KubeProxyIptables().Sync(ns, Node, [none, itpLocal, etpLocal]);

        IReadOnlyList<IptRule> services = ns.Netfilter.Filter["KUBE-SERVICES"].Rules;
        Assert.Equal(2, services.Count);
        Assert.Equal((Ipv4Prefix.Parse("172.30.0.1/32"), "REJECT IcmpPortUnreachable"), (services[0].Destination!.Value, Target(services[0])));
        Assert.Equal((Ipv4Prefix.Parse("172.30.0.2/32"), "DROP"), (services[1].Destination!.Value, Target(services[1])));
        IReadOnlyList<IptRule> external = ns.Netfilter.Filter["KUBE-EXTERNAL-SERVICES"].Rules;
        Assert.Equal([(30001, "REJECT IcmpPortUnreachable"), (30003, "DROP")], external.Select(r => ((int)r.DestinationPort!.Value.Min, Target(r))));
        // The Local-policy Service still has its KUBE-EXT chain: pods and the node itself short-circuit to KUBE-SVC.
        IptChain ext = ns.Netfilter.Nat[KubeProxyChainNames.Ext(etpLocal)];
        Assert.Equal(3, ext.Rules.Count);
        Assert.Equal(Cidr, ext.Rules[0].Source);
    }

    [Fact]
    public void A_resync_replaces_the_rules_and_stops_listing_the_old_services_chains()
    {
        NetworkNamespace ns = HostNs();
        var proxy = new KubeProxyIptables();
        var five = Enumerable.Range(0, 5).Select(i => Svc("ns", $"s{i}", "", $"172.30.0.{i + 1}", 2)).ToArray();
        proxy.Sync(ns, Node, five);
        proxy.Sync(ns, Node, five[..2]);

        Assert.Equal(23 + 2 * 2 + 3 * 2 * 2, proxy.RuleCount);
        Assert.Equal(3, ns.Netfilter.Nat["KUBE-SERVICES"].Rules.Count);
        Assert.False(ns.Netfilter.Nat.TryGetChain(KubeProxyChainNames.Svc(five[4]), out _)); // shared chains of Services gone: not listed (kube-proxy deletes them too)
        Assert.Equal(3, ns.Netfilter.Nat[KubeProxyChainNames.Svc(five[1])].Rules.Count); // masquerade, two picks
        Assert.Single(ns.Netfilter.Filter.Builtin(NfInetHook.LocalOut).Rules, r => Target(r) == "KUBE-SERVICES"); // jumps not duplicated
    }

    [Fact]
    public void Input_no_proxy_can_program_is_rejected()
    {
        NetworkNamespace ns = HostNs();
        ServicePort sctp = Svc("ns", "s", "", "172.30.0.1", 1) with { Protocol = 132 };
        Assert.Throws<ArgumentException>(() => new KubeProxyIptables().Sync(ns, Node, [sctp]));
        ServicePort longAffinity = Svc("ns", "s", "", "172.30.0.1", 1, affinity: true) with { AffinityTimeoutSeconds = 86401 };
        Assert.Throws<ArgumentException>(() => new KubeProxyNftables().Sync(ns, Node, [longAffinity]));
        Assert.Throws<ArgumentException>(() => new KubeProxyIpvs("wrr"));
    }
}
