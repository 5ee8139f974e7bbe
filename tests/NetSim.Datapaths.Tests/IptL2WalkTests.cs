using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// The L2 model of ipt_do_table: a walk that tests more rules than the core's L2 holds (l2_cache / 128 B per rule)
/// pays netfilter.rule_l2_miss for each rule after that, on top of netfilter.rule for every rule.
/// </summary>
public class IptL2WalkTests
{
    internal const long MissNs = 5;
    internal const int L2Bytes = 128 * 1024; // 1,024 rules of 128 B

    internal static CostProfile Profile(long? l2Bytes)
    {
        var p = TestCosts.Profile.With("l2", new Dictionary<string, Cost> { ["netfilter.rule_l2_miss"] = new(Ns(MissNs), 0) });
        return l2Bytes is { } b ? p.WithL2Cache(b) : p;
    }

    /// <summary>Runs one packet through filter INPUT, which jumps to a chain of <paramref name="rules"/> rules none of which match, in <paramref name="backend"/>.</summary>
    internal static (long CostPs, NfHookState State, NfHookCounters Counters) Walk(CostProfile profile, int rules, bool exactMatch,
        IptablesBackend backend = IptablesBackend.Legacy)
    {
        var bed = new TestBed(profile);
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        ns.Netfilter.Backend = backend;
        IptTable filter = ns.Netfilter.Filter;
        IptChain walk = filter.NewChain("WALK");
        for (int i = 0; i < rules; i++)
            walk.Append(exactMatch
                ? new IptRule { Destination = new Ipv4Prefix(new Ipv4Address(0x0A60_0000u + (uint)i), 32) }
                : new IptRule { Matches = [new MarkMatch((uint)i + 1)] });
        filter.Builtin(NfInetHook.LocalIn).Append(new IptRule { Target = StandardTarget.Jump(walk) });
        var s = new NfHookState(ns, NfInetHook.LocalIn, bed.Udp("1.1.1.1", "2.2.2.2", 1, 2), null, null, 0);
        ns.Netfilter.Run(ref s);
        bed.Pool.Deliver(s.Packet);
        return (s.CostPs, s, ns.Netfilter.Counters(NfInetHook.LocalIn));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(1_000, false)]
    [InlineData(3_000, true)]
    [InlineData(3_000, false)]
    public void Rules_beyond_what_L2_holds_pay_the_miss_cost(int rules, bool exactMatch)
    {
        var (cost, state, counters) = Walk(Profile(L2Bytes), rules, exactMatch);
        int tested = rules + 1; // the jump from INPUT, then every rule of WALK
        int beyond = Math.Max(0, tested - (L2Bytes / IptTable.EntryBytesTouched));
        Assert.Equal(tested, state.RulesEvaluated);
        Assert.Equal(beyond, state.RulesBeyondL2);
        Assert.Equal(beyond, counters.RulesBeyondL2);
        Assert.Equal(Ns(NetfilterHook) + (tested * Ns(NetfilterRule)) + (beyond * Ns(MissNs)), cost);
    }

    [Fact]
    public void A_larger_L2_holds_more_of_the_walk()
    {
        long small = Walk(Profile(L2Bytes), 3_000, true).CostPs;
        long large = Walk(Profile(4 * L2Bytes), 3_000, true).CostPs;
        Assert.Equal((3_001 - 1_024) * Ns(MissNs), small - large); // 4 x 1,024 rules hold the whole walk
    }

    [Fact]
    public void Without_an_L2_size_the_profile_models_no_misses()
    {
        var (cost, state, _) = Walk(Profile(null), 3_000, true);
        Assert.Equal(0, state.RulesBeyondL2);
        Assert.Equal(Ns(NetfilterHook) + (3_001 * Ns(NetfilterRule)), cost);
    }

    [Fact]
    public void Each_table_walk_is_measured_against_L2_on_its_own()
    {
        // A simplification the model states (IptTable.Traverse): one walk's own footprint, not what else the core touched.
        var bed = new TestBed(Profile(L2Bytes));
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        foreach (IptTable table in new[] { ns.Netfilter.Mangle, ns.Netfilter.Filter })
        {
            IptChain input = table.Builtin(NfInetHook.LocalIn);
            for (int i = 0; i < 800; i++) input.Append(new IptRule { Destination = new Ipv4Prefix(new Ipv4Address(0x0A60_0000u + (uint)i), 32) });
        }
        var s = new NfHookState(ns, NfInetHook.LocalIn, bed.Udp("1.1.1.1", "2.2.2.2", 1, 2), null, null, 0);
        ns.Netfilter.Run(ref s);
        bed.Pool.Deliver(s.Packet);
        Assert.Equal(1_600, s.RulesEvaluated);
        Assert.Equal(0, s.RulesBeyondL2); // two blobs of 800 rules, each within the 1,024 its walk may keep
    }
}
