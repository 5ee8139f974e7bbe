using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// The other networking/v1 bullets, measured through the datapaths: named ports (resolved on the destination pod),
/// endPort ranges, ipBlock with except, egress with replies of allowed connections, additive stacking; and bad
/// policies rejected with file, line and field.
/// </summary>
public sealed class PolicySemanticsTests
{
    public static TheoryData<string> Datapaths => new(NinePod.PolicyDatapaths);

    // x/a accepts only TCP on its port named serve-81-tcp: 81 open, 80 closed, from everyone.
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Named_port_opens_only_that_port_of_the_destination(string datapath)
    {
        string p = NinePod.Policy("x", "named", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"ports": [{"port": "serve-81-tcp"}]}]}""");
        var t80 = NinePod.Measure(datapath, 80, p);
        var t81 = NinePod.Measure(datapath, 81, p);
        if (datapath == DatapathNames.Weave)
        {
            // weave-npc rejects a policy with a named port (npc/analyser.go checkForNamedPorts): x/a stays open on both.
            Assert.Equal('.', t80.Cells[4, 0]);
            Assert.Equal('.', t81.Cells[4, 0]);
            return;
        }
        Assert.Equal('X', t80.Cells[4, 0]);
        Assert.Equal('.', t81.Cells[4, 0]);
        Assert.Equal('.', t80.Cells[4, 1]);
    }

    // endPort: 81-90 open, 80 closed.
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void EndPort_opens_an_inclusive_range(string datapath)
    {
        string p = NinePod.Policy("x", "range", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"ports": [{"protocol": "TCP", "port": 81, "endPort": 90}]}]}""");
        Assert.Equal('X', NinePod.Measure(datapath, 80, p).Cells[3, 0]);
        Assert.Equal('.', NinePod.Measure(datapath, 81, p).Cells[3, 0]);
    }

    // Egress from x/a only to pod addresses in the pod CIDR except y/b's: Calico matches ipBlocks on any address.
    [Theory]
    [InlineData("calico-bgp")]
    [InlineData("calico-ebpf")]
    public void IpBlock_except_carves_out_an_address(string datapath)
    {
        var s = NinePod.Load(datapath);
        var cluster = NetSim.Topologies.Build.ClusterBuilder.Build(s, Build.ClusterSimulationTests.Profile());
        string yb = cluster.Pods.Single(p => p.Name == "y-b-0").Address.ToString();
        string p = NinePod.Policy("x", "cidr", $$$"""{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "{{{s.Cluster.PodCidr}}}", "except": ["{{{yb}}}/32"]}}]}]}""");
        var t = NinePod.Measure(datapath, 80, p);
        Assert.Equal('X', t.Cells[0, 4]); // x/a -> y/b: excepted
        Assert.Equal('.', t.Cells[0, 3]); // x/a -> y/a: in the CIDR
        Assert.Equal('.', t.Cells[4, 0]); // y/b -> x/a: ingress not isolated, and the reply is not a new connection
    }

    // Cilium applies CIDR rules only to peers outside the cluster (its documented behaviour): pods are not matched.
    [Fact]
    public void Cilium_ipBlock_does_not_select_pods()
    {
        string p = NinePod.Policy("x", "cidr", """{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}""");
        var t = NinePod.Measure("cilium-ebpf", 80, p);
        Assert.Equal('X', t.Cells[0, 3]);
    }

    // x/a may not start connections (egress isolated, nothing allowed) but still answers connections to it.
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Replies_of_allowed_connections_pass_an_egress_deny(string datapath)
    {
        string p = NinePod.Policy("x", "deny-egress", """{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Egress"]}""");
        var t = NinePod.Measure(datapath, 80, p);
        Assert.Equal('X', t.Cells[0, 4]);
        Assert.Equal('.', t.Cells[4, 0]);
    }

    // Two policies selecting x/a: the union of their rules (pod=b from x, and namespace z).
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Policies_stack_additively(string datapath)
    {
        string p1 = NinePod.Policy("x", "from-b", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"pod": "b"}}}]}]}""");
        string p2 = NinePod.Policy("x", "from-z", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"ns": "z"}}}]}]}""");
        var t = NinePod.Measure(datapath, 80, p1, p2);
        Assert.Equal('.', t.Cells[1, 0]); // x/b
        Assert.Equal('X', t.Cells[2, 0]); // x/c
        Assert.Equal('X', t.Cells[4, 0]); // y/b
        Assert.Equal('.', t.Cells[6, 0]); // z/a
    }

    // An SCTP-only rule: TCP is denied (allowing one protocol implicitly denies the others).
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Sctp_only_rule_blocks_tcp(string datapath)
    {
        string p = NinePod.Policy("x", "sctp", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"ports": [{"protocol": "SCTP", "port": 80}]}]}""");
        Assert.Equal('X', NinePod.Measure(datapath, 80, p).Cells[3, 0]);
    }

    // A UDP-only rule: the UDP datagram arrives, the TCP connection does not.
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Udp_rule_opens_udp_only(string datapath)
    {
        string p = NinePod.Policy("x", "udp", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"ports": [{"protocol": "UDP", "port": 80}]}]}""");
        var s = NinePod.Load(datapath, p);
        var r = PolicyMatrix.Run(s, Build.ClusterSimulationTests.Profile(), [new PolicyProbe(80, "UDP"), new PolicyProbe(80, "TCP")]);
        Assert.Equal('.', r.Tables[0].Table.Cells[3, 0]);
        Assert.Equal('X', r.Tables[1].Table.Cells[3, 0]);
        Assert.Equal('.', r.Tables[1].Table.Cells[3, 1]);
    }

    [Theory]
    [InlineData("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "x"}, "spec": {"podSelector": {}, "ingres": []}}""", "network_policies[0].spec.ingres")]
    [InlineData("""{"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy", "metadata": {"name": "p"}, "spec": {"tier": "security"}}""", "network_policies[0].spec.tier")]
    [InlineData("""{"apiVersion": "projectcalico.org/v3", "kind": "NetworkSet", "metadata": {"name": "p"}, "spec": {}}""", "network_policies[0].kind")]
    [InlineData("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "x"}, "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": "serve-80-tcp", "endPort": 90}]}]}}""", "network_policies[0].spec.ingress[0].ports[0].endPort")]
    [InlineData("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "x"}, "spec": {"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}}]}]}}""", "network_policies[0].spec.egress[0].to[0].ipBlock.except[0]")]
    [InlineData("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "w"}, "spec": {"podSelector": {}}}""", "network_policies[0].metadata")]
    [InlineData("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "x"}, "spec": {"podSelector": {"matchExpressions": [{"key": "pod", "operator": "Near"}]}}}""", "network_policies[0].spec.podSelector.matchExpressions[0].operator")]
    public void Bad_policy_names_file_line_and_field(string policy, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(NinePod.Yaml(policy), "nine.yaml"));
        Assert.Equal("nine.yaml", e.File);
        Assert.Equal(field, e.Field);
        Assert.True(e.Line > 10, e.Message);
    }

    [Fact]
    public void Namespace_name_label_is_immutable()
    {
        string yaml = NinePod.Yaml().Replace("{ name: y, labels: { ns: y } }", "{ name: y, labels: { ns: y, kubernetes.io/metadata.name: z } }", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "nine.yaml"));
        Assert.Equal("namespaces[1].labels", e.Field);
    }
}
