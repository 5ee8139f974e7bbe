using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// Calico's own policies (projectcalico.org/v3 NetworkPolicy and GlobalNetworkPolicy) on the 9-pod model, measured
/// by policy-matrix through Felix's iptables chains (calico-bgp, calico-vxlan) and Calico's eBPF program
/// (calico-ebpf): policy order against Kubernetes policies at order 1000, Deny, Pass (the rest of the tier skipped,
/// the profile allows), Log (goes on), namespace scoping of rule selectors, namespaceSelector, serviceAccounts,
/// ports; the selector language; and refusals naming their field.
/// </summary>
public sealed class CalicoPolicyTests
{
    public static TheoryData<string> Datapaths() => new() { DatapathNames.CalicoBgp, DatapathNames.CalicoVxlan, DatapathNames.CalicoEbpf, DatapathNames.FlannelVxlan + NinePod.Canal, DatapathNames.FlannelHostGw + NinePod.Canal };

    private static string Calico(string kind, string? ns, string name, string spec) =>
        $$"""{"apiVersion": "projectcalico.org/v3", "kind": "{{kind}}", "metadata": {"name": "{{name}}"{{(ns is null ? "" : $", \"namespace\": \"{ns}\"")}}}, "spec": {{spec}}}""";

    private static readonly string DenyIngressX = NinePod.Policy("x", "deny", """{"podSelector": {}, "policyTypes": ["Ingress"]}""");

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void A_lower_order_Calico_allow_comes_before_the_Kubernetes_default_deny(string datapath)
    {
        var allow = Calico("NetworkPolicy", "x", "b-to-a", """{"order": 10, "selector": "pod == 'a'", "ingress": [{"action": "Allow", "source": {"selector": "pod == 'b'"}}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - X X . . . . . .
            x/b . - X . . . . . .
            x/c X X - . . . . . .
            y/a X X X - . . . . .
            y/b X X X . - . . . .
            y/c X X X . . - . . .
            z/a X X X . . . - . .
            z/b X X X . . . . - .
            z/c X X X . . . . . -
            """), NinePod.Measure(datapath, 80, DenyIngressX, allow), datapath);
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Deny_decides_and_Pass_skips_the_Kubernetes_policy_later_in_the_tier(string datapath)
    {
        // The GNP denies y -> every pod c and passes the rest; the Kubernetes policy (order 1000) that would allow only
        // y into x/c is never reached, so everything but y reaches x/c.
        var gnp = Calico("GlobalNetworkPolicy", null, "deny-y-to-c", """{"order": 100, "selector": "pod == 'c'", "ingress": [{"action": "Deny", "source": {"namespaceSelector": "ns == 'y'"}}, {"action": "Pass"}]}""");
        var k8s = NinePod.Policy("x", "only-y", """{"podSelector": {"matchLabels": {"pod": "c"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"ns": "y"}}}]}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . . . . . .
            x/b . - . . . . . . .
            x/c . . - . . . . . .
            y/a . . X - . X . . X
            y/b . . X . - X . . X
            y/c . . X . . - . . X
            z/a . . . . . . - . .
            z/b . . . . . . . - .
            z/c . . . . . . . . -
            """), NinePod.Measure(datapath, 80, gnp, k8s), datapath);
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Log_goes_on_and_a_namespaced_notSelector_names_only_its_own_namespace(string datapath)
    {
        // Into z on TCP/80: deny unless from z's own pod a (other namespaces' a pods are not in the scoped selector).
        var p = Calico("NetworkPolicy", "z", "guard", """{"order": 5, "ingress": [{"action": "Log"}, {"action": "Deny", "protocol": "TCP", "source": {"notSelector": "pod == 'a'"}, "destination": {"ports": [80]}}, {"action": "Allow"}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . . . X X X
            x/b . - . . . . X X X
            x/c . . - . . . X X X
            y/a . . . - . . X X X
            y/b . . . . - . X X X
            y/c . . . . . - X X X
            z/a . . . . . . - . .
            z/b . . . . . . X - X
            z/c . . . . . . X X -
            """), NinePod.Measure(datapath, 80, p), datapath);
        Assert.DoesNotContain('X', NinePod.Measure(datapath, 81, p).ToString().Replace("x/", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Service_accounts_and_an_egress_GlobalNetworkPolicy(string datapath)
    {
        // x/a admits only pods running as service account "api" (y/b) from any namespace; every pod of x may not
        // reach z's pods other than a (GNP egress over the projectcalico.org/namespace label and !=).
        var sa = Calico("NetworkPolicy", "x", "api-only", """{"selector": "pod == 'a'", "ingress": [{"action": "Allow", "source": {"serviceAccounts": {"names": ["api"]}, "namespaceSelector": "all()"}}]}""");
        var egress = Calico("GlobalNetworkPolicy", null, "x-not-z", """{"order": 1, "selector": "projectcalico.org/namespace == 'x'", "types": ["Egress"], "egress": [{"action": "Deny", "destination": {"namespaceSelector": "ns == 'z'", "selector": "pod != 'a'"}}, {"action": "Allow"}]}""");
        string yaml = NinePod.Yaml(sa, egress).Replace("{ name: y-b, namespace: y, labels: { pod: b },", "{ name: y-b, namespace: y, labels: { pod: b }, service_account: api,", StringComparison.Ordinal);
        var s = ScenarioLoader.Parse(yaml, "nine.yaml", datapath.EndsWith(NinePod.Canal, StringComparison.Ordinal)
            ? [$"cni.datapath={datapath[..^NinePod.Canal.Length]}", "cni.policy_agent=canal"] : [$"cni.datapath={datapath}"]);
        var measured = PolicyMatrix.Run(s, Build.ClusterSimulationTests.Profile(), [new PolicyProbe(80, "TCP")]).Tables[0].Table;
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . . . . X X
            x/b X - . . . . . X X
            x/c X . - . . . . X X
            y/a X . . - . . . . .
            y/b . . . . - . . . .
            y/c X . . . . - . . .
            z/a X . . . . . - . .
            z/b X . . . . . . - .
            z/c X . . . . . . . -
            """), measured, datapath);
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Nets_notNets_and_port_ranges(string datapath)
    {
        // Pods labelled a may not reach z/c's address (Deny nets), may reach everything but y/b's address on ports
        // 80-90 (Allow with notNets and a range), and nothing else (end of tier); the addresses are the cluster's own.
        var cluster = NetSim.Topologies.Build.ClusterBuilder.Build(NinePod.Load(datapath), Build.ClusterSimulationTests.Profile());
        string Address(string pod) => cluster.Pods.Single(p => p.Name == pod).Address.ToString();
        var p = Calico("GlobalNetworkPolicy", null, "a-egress", $$$"""{"selector": "pod == 'a'", "types": ["Egress"], "egress": [{"action": "Deny", "destination": {"nets": ["{{{Address("z-c-0")}}}"]}}, {"action": "Allow", "protocol": "TCP", "destination": {"notNets": ["{{{Address("y-b-0")}}}/32"], "ports": ["80:90"]}}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . X . . . X
            x/b . - . . . . . . .
            x/c . . - . . . . . .
            y/a . . . - X . . . X
            y/b . . . . - . . . .
            y/c . . . . . - . . .
            z/a . . . . X . - . X
            z/b . . . . . . . - .
            z/c . . . . . . . . -
            """), NinePod.Measure(datapath, 80, p), datapath);
        var at100 = NinePod.Measure(datapath, 100, p);
        for (int r = 0; r < 9; r += 3)
            for (int c = 0; c < 9; c++)
                if (r != c) Assert.Equal('X', at100.Cells[r, c]);
    }

    [Theory]
    [InlineData("all()", "", true)]
    [InlineData("", "", true)]
    [InlineData("app == 'db'", "app=db", true)]
    [InlineData("app == 'db'", "app=web", false)]
    [InlineData("app != 'db'", "", true)]
    [InlineData("app != 'db'", "app=db", false)]
    [InlineData("app in {'db', 'cache'}", "app=cache", true)]
    [InlineData("app in {'db', 'cache'}", "", false)]
    [InlineData("app not in {'db', 'cache'}", "", true)]
    [InlineData("app not in {'db', 'cache'}", "app=db", false)]
    [InlineData("has(tier)", "tier=x", true)]
    [InlineData("!has(tier)", "tier=x", false)]
    [InlineData("!has(tier)", "", true)]
    [InlineData("app == 'db' && has(tier)", "app=db", false)]
    [InlineData("app == 'db' && has(tier)", "app=db,tier=1", true)]
    [InlineData("app == 'db' || has(tier)", "tier=1", true)]
    [InlineData("!(app == 'db' || has(tier))", "app=web", true)]
    [InlineData("a == 'x' || b == 'y' && c == 'z'", "a=x", true)]
    [InlineData("(a == 'x' || b == 'y') && c == 'z'", "a=x", false)]
    [InlineData("k8s-app == \"kube-dns\"", "k8s-app=kube-dns", true)]
    public void Selector_expressions(string selector, string labels, bool matches)
    {
        var map = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal(matches, CalicoSelector.Parse(selector).Matches(map));
    }

    [Theory]
    [InlineData("app ==")]
    [InlineData("app = 'x'")]
    [InlineData("has(app")]
    [InlineData("app in {'a'")]
    [InlineData("app contains 'x'")]
    [InlineData("global()")]
    public void Bad_selectors_are_refused(string selector) => Assert.Throws<ArgumentException>(() => CalicoSelector.Parse(selector));

    [Theory]
    [InlineData("""{"tier": "security"}""", "spec.tier")]
    [InlineData("""{"selector": "app =="}""", "spec.selector")]
    [InlineData("""{"doNotTrack": true}""", "spec.doNotTrack")]
    [InlineData("""{"ingress": [{"action": "Reject"}]}""", "spec.ingress[0].action")]
    [InlineData("""{"ingress": [{"action": "Allow", "icmp": {"type": 8}}]}""", "spec.ingress[0].icmp")]
    [InlineData("""{"ingress": [{"action": "Allow", "http": {"methods": ["GET"]}}]}""", "spec.ingress[0].http")]
    [InlineData("""{"ingress": [{"action": "Allow", "destination": {"ports": [80]}}]}""", "spec.ingress[0].destination.ports")]
    [InlineData("""{"ingress": [{"action": "Allow", "protocol": "TCP", "destination": {"ports": ["http"]}}]}""", "spec.ingress[0].destination.ports")]
    [InlineData("""{"ingress": [{"action": "Allow", "destination": {"services": {"name": "s"}}}]}""", "spec.ingress[0].destination.services")]
    [InlineData("""{"ingress": [{"action": "Allow", "source": {"nets": ["fd00::/8"]}}]}""", "spec.ingress[0].source.nets")]
    [InlineData("""{"namespaceSelector": "all()"}""", "spec.namespaceSelector")]
    [InlineData("""{"egress": [{"action": "Allow", "ipVersion": 6}]}""", "spec.egress[0].ipVersion")]
    public void Refused_fields_name_their_path(string spec, string field)
    {
        NinePod.AssertRefused(Calico("NetworkPolicy", "x", "p", spec), $"network_policies[0].{field}");
    }

    [Theory]
    [InlineData("C1")]
    [InlineData("C3")]
    [InlineData("C5")]
    public void Canal_enforces_the_Kubernetes_reference_cases_on_flannel(string name)
    {
        var (spec, rows) = TruthTableTests.Reference[name];
        foreach (string datapath in new[] { DatapathNames.FlannelVxlan + NinePod.Canal, DatapathNames.FlannelHostGw + NinePod.Canal })
            NinePod.AssertSame(NinePod.Table(rows), NinePod.Measure(datapath, 80, NinePod.Policy("x", "p", spec)), datapath);
    }

    public static TheoryData<string> PodDatapaths() => new(DatapathNames.All.Where(d => d != DatapathNames.Host));

    /// <summary>What a run reports (enforced or not) is what the probes see: a deny-all-ingress on x/a blocks or it does not.</summary>
    [Theory]
    [MemberData(nameof(PodDatapaths))]
    public void A_datapath_reported_as_enforcing_blocks_and_one_reported_as_not_blocks_nothing(string datapath)
    {
        var table = NinePod.Measure(datapath, 80, DenyIngressX);
        bool blocks = Enumerable.Range(0, 9).Any(r => Enumerable.Range(0, 9).Any(c => r != c && table.Cells[r, c] != '.'));
        Assert.Equal(blocks, NetSim.Topologies.Build.Cni.PolicyWiring.Enforces(NinePod.Load(datapath).Cni));
    }

    [Fact]
    public void Plain_flannel_enforces_nothing()
    {
        var table = NinePod.Measure(DatapathNames.FlannelVxlan, 80, DenyIngressX);
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < 9; c++)
                if (r != c) Assert.Equal('.', table.Cells[r, c]);
        Assert.False(NetSim.Topologies.Build.Cni.PolicyWiring.Enforces(NinePod.Load(DatapathNames.FlannelVxlan).Cni));
        Assert.True(NetSim.Topologies.Build.Cni.PolicyWiring.Enforces(NinePod.Load(DatapathNames.FlannelVxlan + NinePod.Canal).Cni));
    }

    [Fact]
    public void A_Calico_policy_is_not_enforced_by_Cilium()
    {
        var p = Calico("GlobalNetworkPolicy", null, "deny-all", """{"ingress": [{"action": "Deny"}]}""");
        Assert.DoesNotContain('X', NinePod.Measure(DatapathNames.CiliumEbpf, 80, p).ToString().Replace("x/", "", StringComparison.Ordinal));
    }
}
