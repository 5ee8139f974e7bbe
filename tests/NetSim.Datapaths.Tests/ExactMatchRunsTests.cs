using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests;

/// <summary>
/// The hash shortcut through runs of exact (destination, protocol, port) rules gives exactly the rule-by-rule
/// walk: the same verdict, the same rule counters, and the same number of rules evaluated (the simulated cost).
/// </summary>
public class ExactMatchRunsTests
{
    private static readonly long Step = NetSim.Engine.Core.SimTime.FromMicroseconds(50).Picoseconds;

    /// <summary>KUBE-SERVICES-like: 50 rules "-d 10.96.0.i/32 -p udp --dport 80 -j DROP", then a catch-all that accepts.</summary>
    private static (TestBed Bed, RoutedTopology T, List<IptRule> Rules, IptRule CatchAll, Sink Server) Setup(int exact = 50)
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
        var rules = new List<IptRule>();
        for (int i = 0; i < exact; i++)
            rules.Add(fwd.Append(new IptRule
            {
                Destination = new Ipv4Prefix(Ipv4Address.Parse($"10.0.1.{i + 10}"), 32), Protocol = Ipv4Header.ProtocolUdp,
                DestinationPort = new PortRange(80), Target = StandardTarget.Drop,
            }));
        var catchAll = fwd.Append(new IptRule { Target = StandardTarget.Accept });
        return (bed, t, rules, catchAll, bed.Sink(t.Server, Ipv4Header.ProtocolUdp));
    }

    [Fact]
    public void A_packet_matching_the_37th_rule_evaluates_37_rules_and_counts_only_that_one()
    {
        var (bed, t, rules, catchAll, _) = Setup();
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.46", 1, 80)); // rule index 36
        bed.Run();
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NetfilterDrop));
        Assert.Equal(37, t.Host.Netfilter.RulesEvaluated);
        Assert.Equal(1, rules[36].Packets);
        Assert.Equal(1, rules.Sum(r => r.Packets));
        Assert.Equal(0, catchAll.Packets);
    }

    [Fact]
    public void A_packet_matching_none_evaluates_the_whole_run_and_goes_on()
    {
        var (bed, t, rules, catchAll, server) = Setup();
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.2", 1, 80)); // the server itself: no exact rule
        bed.SendAt(Step, t.Client, bed.Udp("0.0.0.0", "10.0.1.46", 1, 81)); // right address, wrong port
        bed.Run();
        Assert.Single(server.Arrivals);
        Assert.Equal(0, bed.Pool.Dropped(DropReason.NetfilterDrop));
        Assert.Equal(2 * 51, t.Host.Netfilter.RulesEvaluated);
        Assert.Equal(0, rules.Sum(r => r.Packets));
        Assert.Equal(2, catchAll.Packets);
    }

    [Fact]
    public void A_rule_inserted_later_is_found_and_duplicates_match_the_first()
    {
        var (bed, t, rules, _, _) = Setup();
        IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
        bed.SendAt(0, t.Client, bed.Udp("0.0.0.0", "10.0.1.20", 1, 80)); // index 10, walked once to build the runs
        bed.Run();
        var early = fwd.Insert(3, new IptRule
        {
            Destination = new Ipv4Prefix(Ipv4Address.Parse("10.0.1.20"), 32), Protocol = Ipv4Header.ProtocolUdp,
            DestinationPort = new PortRange(80), Target = StandardTarget.Drop,
        });
        long before = t.Host.Netfilter.RulesEvaluated;
        bed.SendAt(bed.Sim.NowPicoseconds + Step, t.Client, bed.Udp("0.0.0.0", "10.0.1.20", 1, 80));
        bed.Run();
        Assert.Equal(4, t.Host.Netfilter.RulesEvaluated - before); // the new rule at index 3 decides
        Assert.Equal(1, early.Packets);
        Assert.Equal(1, rules[10].Packets);
    }
}
