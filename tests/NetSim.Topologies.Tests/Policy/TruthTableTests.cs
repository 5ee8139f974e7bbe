using NetSim.Topologies.Policy;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// The reference cases C1-C6 (upstream e2e netpol tests, kubernetes/kubernetes test/e2e/network/netpol), measured by
/// policy-matrix through calico-bgp (iptables), calico-ebpf and cilium-ebpf, must come out exactly; and the
/// networking/v1 evaluator (<see cref="ClusterPolicies.Allows"/>) must give the same cells.
/// </summary>
public sealed class TruthTableTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string c in new[] { "C1", "C2", "C3", "C4", "C5", "C6" })
            foreach (string d in NinePod.PolicyDatapaths) data.Add(c, d);
        return data;
    }

    internal static readonly Dictionary<string, (string Spec, string Table)> Reference = new()
    {
        ["C1"] = ("""{"podSelector": {}, "policyTypes": ["Ingress"], "ingress": []}""", """
                x/a - X X . . . . . .
                x/b X - X . . . . . .
                x/c X X - . . . . . .
                y/a X X X - . . . . .
                y/b X X X . - . . . .
                y/c X X X . . - . . .
                z/a X X X . . . - . .
                z/b X X X . . . . - .
                z/c X X X . . . . . -
                """),
        ["C2"] = ("""{"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": []}""", """
                x/a - X X X X X X X X
                x/b X - X X X X X X X
                x/c X X - X X X X X X
                y/a X X X - . . . . .
                y/b X X X . - . . . .
                y/c X X X . . - . . .
                z/a X X X . . . - . .
                z/b X X X . . . . - .
                z/c X X X . . . . . -
                """),
        ["C3"] = ("""{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"pod": "b"}}}]}]}""", """
                x/a - . . . . . . . .
                x/b . - . . . . . . .
                x/c X . - . . . . . .
                y/a X . . - . . . . .
                y/b X . . . - . . . .
                y/c X . . . . - . . .
                z/a X . . . . . - . .
                z/b X . . . . . . - .
                z/c X . . . . . . . -
                """),
        ["C4"] = ("""{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "y"}}}]}]}""", """
                x/a - . . . . . . . .
                x/b X - . . . . . . .
                x/c X . - . . . . . .
                y/a . . . - . . . . .
                y/b . . . . - . . . .
                y/c . . . . . - . . .
                z/a X . . . . . - . .
                z/b X . . . . . . - .
                z/c X . . . . . . . -
                """),
        ["C5"] = ("""{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["x"]}]}, "podSelector": {"matchLabels": {"pod": "b"}}}]}]}""", """
                x/a - . . . . . . . .
                x/b X - . . . . . . .
                x/c X . - . . . . . .
                y/a X . . - . . . . .
                y/b . . . . - . . . .
                y/c X . . . . - . . .
                z/a X . . . . . - . .
                z/b . . . . . . . - .
                z/c X . . . . . . . -
                """),
        ["C6"] = ("""{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["x"]}]}}, {"podSelector": {"matchLabels": {"pod": "b"}}}]}]}""", """
                x/a - . . . . . . . .
                x/b . - . . . . . . .
                x/c X . - . . . . . .
                y/a . . . - . . . . .
                y/b . . . . - . . . .
                y/c . . . . . - . . .
                z/a . . . . . . - . .
                z/b . . . . . . . - .
                z/c . . . . . . . . -
                """),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reference_case_comes_out_of_the_datapath_exactly(string name, string datapath)
    {
        var (spec, rows) = Reference[name];
        var expected = NinePod.Table(rows);
        var measured = NinePod.Measure(datapath, 80, NinePod.Policy("x", name.ToLowerInvariant(), spec));
        NinePod.AssertSame(expected, measured, $"{name} over {datapath}");
    }

    [Theory]
    [InlineData("C1")]
    [InlineData("C2")]
    [InlineData("C3")]
    [InlineData("C4")]
    [InlineData("C5")]
    [InlineData("C6")]
    public void The_evaluator_gives_the_reference_cells(string name)
    {
        var (spec, rows) = Reference[name];
        var expected = NinePod.Table(rows);
        var s = NinePod.Load("calico-bgp", NinePod.Policy("x", "p", spec));
        var cluster = NetSim.Topologies.Build.ClusterBuilder.Build(s, Build.ClusterSimulationTests.Profile());
        var policies = NetSim.Topologies.Build.Cni.PolicyWiring.Of(cluster.Context)!;
        for (int r = 0; r < expected.Pods.Count; r++)
            for (int c = 0; c < expected.Pods.Count; c++)
            {
                if (r == c) continue;
                var from = policies.Endpoints.Single(e => $"{e.Namespace}/{e.Name}" == Pod(expected.Pods[r]));
                var to = policies.Endpoints.Single(e => $"{e.Namespace}/{e.Name}" == Pod(expected.Pods[c]));
                bool allowed = policies.Allows(PolicyDirection.Egress, from, to.Address, 6, 80) && policies.Allows(PolicyDirection.Ingress, to, from.Address, 6, 80);
                Assert.True(allowed == (expected.Cells[r, c] == '.'), $"{name}: {expected.Pods[r]} -> {expected.Pods[c]}");
            }
    }

    private static string Pod(string label) => $"{label[..1]}/{label[..1]}-{label[2..]}-0";
}
