using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// A shared chain is one set of rule objects listed by several namespaces' tables: each table keeps its own counters,
/// "statistic --mode random" draws from each namespace's stream exactly as a rule-owned stream of the same seed would,
/// and a listed chain cannot change under the tables that list it.
/// </summary>
public class SharedChainTests
{
    private const int Packets = 40;
    private static readonly long Step = NetSim.Engine.Core.SimTime.FromMicroseconds(50).Picoseconds;

    /// <summary>A router whose FORWARD jumps to <paramref name="chain"/>; sends <paramref name="count"/> UDP packets through it.</summary>
    private static (TestBed Bed, RoutedTopology T, Sink Server) Router(IptChain chain, int count, Random? stream) => Router(_ => chain, count, stream);

    private static (TestBed Bed, RoutedTopology T, Sink Server) Router(Func<IptTable, IptChain> chainIn, int count, Random? stream)
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Netfilter.StatisticRandom = stream;
        IptTable filter = t.Host.Netfilter.Filter;
        IptChain chain = chainIn(filter);
        if (chain.IsShared) filter.Attach(chain);
        filter.Builtin(NfInetHook.Forward).Append(new IptRule { Target = StandardTarget.Jump(chain) });
        var server = bed.Sink(t.Server, Ipv4Header.ProtocolUdp);
        for (int i = 0; i < count; i++) bed.SendAt(i * Step, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", (ushort)(1000 + i), 80));
        bed.Run();
        return (bed, t, server);
    }

    private static IptChain Chain(IptChain chain, StatisticMatch pick)
    {
        chain.Append(new IptRule { Matches = [pick], Target = StandardTarget.Drop });
        chain.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp });
        return chain;
    }

    [Fact]
    public void Each_table_counts_its_own_packets_through_the_shared_rules()
    {
        IptChain shared = Chain(IptChain.Shared(IptTableKind.Filter, "SHARED"), StatisticMatch.Random(0.5));
        var a = Router(shared, Packets, new Random(7));
        var b = Router(shared, Packets / 4, new Random(8));
        IptRule counted = shared.Rules[1];
        long passedA = a.Server.Arrivals.Count, passedB = b.Server.Arrivals.Count;
        Assert.InRange(passedA, 1, Packets - 1);
        Assert.Equal(passedA, a.T.Host.Netfilter.Filter.CountersOf(counted).Packets);
        Assert.Equal(passedB, b.T.Host.Netfilter.Filter.CountersOf(counted).Packets);
        Assert.Equal(Packets - passedA, a.T.Host.Netfilter.Filter.CountersOf(shared.Rules[0]).Packets);
        Assert.Equal(0, counted.Packets); // nothing on the rule object itself
    }

    [Fact]
    public void The_namespace_stream_draws_what_a_rule_owned_stream_of_the_same_seed_draws()
    {
        IptChain shared = Chain(IptChain.Shared(IptTableKind.Filter, "SHARED"), StatisticMatch.Random(0.5));
        var viaNamespace = Router(shared, Packets, new Random(11));
        var viaRule = Router(filter => Chain(filter.NewChain("OWN"), StatisticMatch.Random(0.5, new Random(11))), Packets, null);
        Assert.Equal(viaRule.Server.Arrivals.Select(p => p.SourcePort), viaNamespace.Server.Arrivals.Select(p => p.SourcePort));
    }

    [Fact]
    public void A_listed_shared_chain_cannot_change_and_a_foreign_table_kind_cannot_list_it()
    {
        IptChain shared = Chain(IptChain.Shared(IptTableKind.Filter, "SHARED"), StatisticMatch.Random(0.5));
        var a = Router(shared, 1, new Random(1));
        Assert.Throws<InvalidOperationException>(() => shared.Append(new IptRule { Target = StandardTarget.Accept }));
        Assert.Throws<ArgumentException>(() => a.T.Host.Netfilter.Nat.Attach(shared));
        a.T.Host.Netfilter.Filter.DetachShared();
        Assert.False(a.T.Host.Netfilter.Filter.TryGetChain("SHARED", out _));
        shared.Append(new IptRule { Target = StandardTarget.Accept }); // listed nowhere now: it may change again
    }
}
