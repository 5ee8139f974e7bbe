using NetSim.Datapaths.Netfilter;
using NetSim.Topologies.Build;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>weave-npc: its chain layout on a node, and the Kubernetes reference cases over sleeve as over fast datapath.</summary>
public class WeaveNpcTests
{
    [Fact]
    public void Weave_npc_programs_its_chains_and_keeps_its_feeders_at_the_top_of_forward()
    {
        string p = NinePod.Policy("x", "from-b", """{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Ingress", "Egress"], "ingress": [{"from": [{"podSelector": {"matchLabels": {"pod": "b"}}}], "ports": [{"port": 80}]}], "egress": [{}]}""");
        var cluster = ClusterBuilder.Build(NinePod.Load(DatapathNames.Weave, p), Build.ClusterSimulationTests.Profile());
        var filter = cluster.Nodes[0].Host.Netfilter.Filter;
        foreach (string chain in new[] { "WEAVE-NPC", "WEAVE-NPC-DEFAULT", "WEAVE-NPC-INGRESS", "WEAVE-NPC-EGRESS", "WEAVE-NPC-EGRESS-DEFAULT", "WEAVE-NPC-EGRESS-CUSTOM", "WEAVE-NPC-EGRESS-ACCEPT" })
            Assert.True(filter.TryGetChain(chain, out _), chain);
        var forward = filter.Builtin(NfInetHook.Forward).Rules;
        Assert.Equal("WEAVE-NPC-EGRESS", ((StandardTarget)forward[0].Target!).Chain?.Name);
        Assert.Equal("WEAVE-NPC", ((StandardTarget)forward[1].Target!).Chain?.Name);
        Assert.IsType<PolicyDropTarget>(forward[2].Target);
        // One ingress rule (peer pod=b, TCP 80) and its egress pair (mark, return) for the empty egress rule.
        var ingress = filter["WEAVE-NPC-INGRESS"].Rules;
        Assert.Single(ingress);
        Assert.Equal(6, ingress[0].Protocol);
        Assert.Equal(2, filter["WEAVE-NPC-EGRESS-CUSTOM"].Rules.Count);
        // Each of the three namespaces has its default-allow rule in each direction (two for egress: mark and return).
        Assert.Equal(3, filter["WEAVE-NPC-DEFAULT"].Rules.Count);
        Assert.Equal(6, filter["WEAVE-NPC-EGRESS-DEFAULT"].Rules.Count);
        Assert.Contains(filter["WEAVE-NPC-EGRESS"].Rules, r => r.Comment == "default egress drop");
    }

    [Theory]
    [InlineData("C1")]
    [InlineData("C3")]
    [InlineData("C5")]
    public void The_reference_cases_hold_over_sleeve_as_over_fast_datapath(string name)
    {
        var (spec, rows) = TruthTableTests.Reference[name];
        NinePod.AssertSame(NinePod.Table(rows), NinePod.Measure(DatapathNames.WeaveSleeve, 80, NinePod.Policy("x", "p", spec)), DatapathNames.WeaveSleeve);
    }

    [Fact]
    public void A_named_port_rejects_the_whole_policy_in_weave_npc()
    {
        var named = new NetworkPolicy("x", "n", new LabelSelector(new Dictionary<string, string>(), []), true, false,
            [new PolicyRule([], [new PolicyPort("TCP", 0, "http", 0)])], []);
        Assert.False(WeaveNpcIptables.Supports(named));
        Assert.True(WeaveNpcIptables.Supports(named with { Ingress = [new PolicyRule([], [new PolicyPort("TCP", 80, null, 0)])] }));
    }
}
