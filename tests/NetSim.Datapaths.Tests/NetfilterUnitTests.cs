using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests;

public class NetfilterUnitTests
{
    private static Ipv4Address A(uint v) => new(v);

    [Fact]
    public void Recent_lists_evict_the_least_recently_updated_address_beyond_ip_list_tot()
    {
        var list = new RecentList("KUBE-SEP-X", capacity: 3);
        list.Set(A(1), 10);
        list.Set(A(2), 20);
        list.Set(A(3), 30);
        list.Set(A(1), 40); // refreshes 1: now 2 is the oldest
        list.Set(A(4), 50);
        Assert.Equal(3, list.Count);
        Assert.False(list.Contains(A(2)));
        Assert.True(list.Contains(A(1)));
    }

    [Fact]
    public void Recent_hitcount_counts_stamps_inside_the_window_and_update_restamps_only_on_a_match()
    {
        var list = new RecentList("r", stampsPerEntry: 4);
        list.Set(A(7), 100);
        list.Set(A(7), 200);
        list.Set(A(7), 300);
        Assert.True(list.Check(A(7), 300, windowPs: 150, hitCount: 2, update: false, reap: false));   // 200 and 300
        Assert.False(list.Check(A(7), 300, windowPs: 150, hitCount: 3, update: false, reap: false));  // 100 is too old
        Assert.False(list.Check(A(7), 1000, windowPs: 100, hitCount: 0, update: true, reap: false));
        Assert.Equal(300, list.LastSeen(A(7)));
        Assert.True(list.Check(A(7), 350, windowPs: 100, hitCount: 0, update: true, reap: false));
        Assert.Equal(350, list.LastSeen(A(7)));
        Assert.True(list.Check(A(7), 10_000, windowPs: 0, hitCount: 0, update: false, reap: false)); // no window: listed is enough
    }

    [Fact]
    public void Recent_reap_forgets_a_stale_address()
    {
        var list = new RecentList("r");
        list.Set(A(1), 0);
        list.Set(A(2), 500);
        Assert.True(list.Check(A(2), 1000, windowPs: 600, hitCount: 0, update: false, reap: true));
        Assert.False(list.Contains(A(1))); // the oldest entry was older than the window
    }

    [Fact]
    public void Statistic_nth_matches_every_nth_packet_from_the_given_start()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        var nth = StatisticMatch.Nth(every: 3, packet: 1);
        var rule = new IptRule { Matches = [nth] };
        ns.Netfilter.Filter.Builtin(NfInetHook.LocalIn).Append(rule);
        var results = new List<bool>();
        for (int i = 0; i < 9; i++)
        {
            long before = rule.Packets;
            var s = new NfHookState(ns, NfInetHook.LocalIn, bed.Udp("1.1.1.1", "2.2.2.2", 1, 2), null, null, 0);
            ns.Netfilter.Run(ref s);
            results.Add(rule.Packets > before);
            bed.Pool.Deliver(s.Packet);
        }
        // The counter starts at --packet 1 and matches when it reaches every-1 = 2: packets 2, 5, 8 (1-based).
        Assert.Equal(new[] { false, true, false, false, true, false, false, true, false }, results);
    }

    [Fact]
    public void Tables_refuse_rules_the_kernel_would_refuse()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        IptChain natChain = ns.Netfilter.Nat.NewChain("X");
        Assert.Throws<ArgumentException>(() => ns.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(new IptRule { Target = StandardTarget.Jump(natChain) }));
        Assert.Throws<ArgumentException>(() => ns.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(new IptRule { Target = new DnatTarget(A(1)) }));
        Assert.Throws<ArgumentException>(() => ns.Netfilter.Filter.Builtin(NfInetHook.Forward).Append(new IptRule { Target = NotrackTarget.Instance }));
        Assert.Throws<ArgumentException>(() => StandardTarget.Jump(ns.Netfilter.Filter.Builtin(NfInetHook.Forward)));
        Assert.Throws<InvalidOperationException>(() => ns.Netfilter.Raw.Builtin(NfInetHook.Forward));
        Assert.Throws<InvalidOperationException>(() => ns.Netfilter.Nat.NewChain("X"));
        var rule = ns.Netfilter.Filter.Builtin(NfInetHook.LocalIn).Append(new IptRule { Protocol = Ipv4Header.ProtocolTcp });
        Assert.Throws<InvalidOperationException>(() => ns.Netfilter.Filter.Builtin(NfInetHook.LocalOut).Append(rule));
    }

    [Fact]
    public void Hook_functions_run_in_kernel_priority_order()
    {
        var bed = new TestBed();
        var ns = new NetworkNamespace(bed.Node("n"), "ns");
        string[] pre = ns.Netfilter.At(NfInetHook.PreRouting).Select(h => h.ToString()!).ToArray();
        Assert.Equal(new[] { "defrag", "raw PreRouting", "conntrack in", "mangle PreRouting", "nat PreRouting" }, pre);
        string[] post = ns.Netfilter.At(NfInetHook.PostRouting).Select(h => h.ToString()!).ToArray();
        Assert.Equal(new[] { "mangle PostRouting", "nat PostRouting", "conntrack confirm" }, post);
        string[] input = ns.Netfilter.At(NfInetHook.LocalIn).Select(h => h.ToString()!).ToArray();
        Assert.Equal(new[] { "mangle LocalIn", "filter LocalIn", "nat LocalIn", "conntrack confirm" }, input);
    }
}
