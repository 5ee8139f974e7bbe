using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;
using static NetSim.Datapaths.Tests.IptL2WalkTests;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// The same iptables rules cost what their backend spends: each rule tested pays netfilter.rule under x_tables
/// (iptables-legacy) and nftables.rule under nf_tables (iptables-nft); the walk, its verdict and its L2 footprint
/// are the same, so netfilter.rule_l2_miss is paid by either past the L2.
/// </summary>
public class IptablesBackendTests
{
    [Theory]
    [InlineData(IptablesBackend.Legacy, 100)]
    [InlineData(IptablesBackend.Nft, 100)]
    [InlineData(IptablesBackend.Legacy, 3_000)]
    [InlineData(IptablesBackend.Nft, 3_000)]
    public void Each_rule_tested_costs_its_backends_rule_cost(IptablesBackend backend, int rules)
    {
        var (cost, state, counters) = Walk(Profile(L2Bytes), rules, true, backend);
        int tested = rules + 1; // the jump from INPUT, then every rule of WALK
        int beyond = Math.Max(0, tested - (L2Bytes / IptTable.EntryBytesTouched));
        long perRule = backend == IptablesBackend.Nft ? NftablesRule : NetfilterRule;
        Assert.Equal(tested, state.RulesEvaluated);
        Assert.Equal(backend == IptablesBackend.Nft ? tested : 0, counters.NftRulesEvaluated);
        Assert.Equal(Ns(NetfilterHook) + (tested * Ns(perRule)) + (beyond * Ns(MissNs)), cost);
    }

    [Fact]
    public void The_backend_changes_the_cost_not_the_verdict()
    {
        var legacy = Walk(Profile(L2Bytes), 500, true, IptablesBackend.Legacy);
        var nft = Walk(Profile(L2Bytes), 500, true, IptablesBackend.Nft);
        Assert.Equal(legacy.State.Verdict, nft.State.Verdict);
        Assert.Equal(legacy.State.RulesEvaluated, nft.State.RulesEvaluated);
        Assert.Equal(501 * Ns(NftablesRule - NetfilterRule), nft.CostPs - legacy.CostPs);
    }

    [Fact]
    public void A_namespace_evaluates_iptables_rules_in_x_tables_unless_told_otherwise()
    {
        var bed = new TestBed();
        Assert.Equal(IptablesBackend.Legacy, new NetworkNamespace(bed.Node("n"), "ns").Netfilter.Backend);
    }
}
