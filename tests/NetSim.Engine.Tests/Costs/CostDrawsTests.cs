using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests.Costs;

/// <summary>A node's draws: exact profiles change nothing, the mean charge is the profile's, nodes draw independently, wakeups.</summary>
public class CostDrawsTests
{
    private static readonly CostVariability Spread = new() { Softirq = new WorkSpread(0.55), Task = new WorkSpread(0.3) };

    private static CostDraws Draws(CostVariability v, ulong seed = 1, string node = "node1", NodeCpu? cpu = null) =>
        new(v, cpu ?? new NodeCpu(2), new RandomStreams(seed), node);

    [Fact]
    public void With_exact_costs_every_charge_is_its_mean_and_nothing_is_drawn()
    {
        var streams = new RandomStreams(1);
        var draws = new CostDraws(CostVariability.None, new NodeCpu(1), streams, "node1");
        Assert.Equal(123_456, draws.Softirq(123_456));
        Assert.Equal(7, draws.Task(7));
        Assert.Equal(0, draws.WakeupPs(0, 1_000_000));
        Assert.False(draws.WakeupsTakeTime);
        // The node's stream was never created, let alone advanced: it starts where a fresh one does.
        Assert.Equal(new RandomStream(RandomStreams.SeedFor(1, "node1/cpu")).NextUInt64(), streams.Get("node1/cpu").NextUInt64());
    }

    [Fact]
    public void Charges_average_the_profile_mean_even_the_smallest()
    {
        var draws = Draws(Spread);
        const int n = 1_000_000;
        const long mean = 1_234_567; // 1.234567 µs
        long total = 0, min = long.MaxValue, max = 0;
        for (int i = 0; i < n; i++)
        {
            long ps = draws.Softirq(mean);
            total += ps;
            min = Math.Min(min, ps);
            max = Math.Max(max, ps);
        }
        double se = mean * Math.Sqrt(new UnitMeanLogNormal(0.55).ExactVariance / n);
        Assert.InRange(total / (double)n, mean - (4 * se), mean + (4 * se));
        Assert.True(min < mean / 2 && max > 3 * mean, $"min {min}, max {max}: the charges should spread");
        // Rounding is stochastic, so it adds no bias even to the smallest charge: 3 ps on average stays 3 ps.
        var tiny = Draws(Spread);
        long small = 0;
        for (int i = 0; i < n; i++) small += tiny.Softirq(3);
        double tinySe = 3 * Math.Sqrt(new UnitMeanLogNormal(0.55).ExactVariance / n) + (0.5 / Math.Sqrt(n));
        Assert.InRange(small / (double)n, 3 - (4 * tinySe), 3 + (4 * tinySe));
    }

    [Fact]
    public void A_floor_keeps_every_charge_above_its_share_of_the_mean_and_the_mean_where_it_was()
    {
        var draws = Draws(new CostVariability { Softirq = new WorkSpread(0.6, 0.4) });
        const int n = 1_000_000;
        const long mean = 1_000_000;
        long total = 0, min = long.MaxValue;
        for (int i = 0; i < n; i++)
        {
            long ps = draws.Softirq(mean);
            total += ps;
            min = Math.Min(min, ps);
        }
        Assert.True(min >= (mean * 4 / 10) - 1, $"min {min} ps: below the floor of 40 % of the mean");
        Assert.True(min < mean / 2, $"min {min} ps: the varying part should still reach near the floor");
        double se = mean * 0.6 * Math.Sqrt(new UnitMeanLogNormal(1.0).ExactVariance) / Math.Sqrt(n); // (1 − floor) × M has cv 0.6
        Assert.InRange(total / (double)n, mean - (4 * se), mean + (4 * se));
    }

    [Fact]
    public void Zero_work_draws_nothing()
    {
        var a = Draws(Spread);
        var b = Draws(Spread);
        Assert.Equal(0, a.Softirq(0));
        Assert.Equal(0, a.Task(0));
        Assert.Equal(b.Softirq(1_000_000), a.Softirq(1_000_000)); // a's zero charges did not advance its stream
    }

    [Fact]
    public void Each_node_draws_from_its_own_stream()
    {
        var alone = Draws(Spread, node: "node1");
        var expected = Enumerable.Range(0, 100).Select(_ => alone.Softirq(1_000_000)).ToArray();
        var streams = new RandomStreams(1);
        var node1 = new CostDraws(Spread, new NodeCpu(1), streams, "node1");
        var node2 = new CostDraws(Spread, new NodeCpu(1), streams, "node2");
        var seen = new long[100];
        for (int i = 0; i < 100; i++)
        {
            node2.Softirq(1_000_000); // another node's charges in between change nothing here
            seen[i] = node1.Softirq(1_000_000);
        }
        Assert.Equal(expected, seen);
        Assert.NotEqual(expected, Enumerable.Range(0, 100).Select(_ => Draws(Spread, seed: 2).Softirq(1_000_000)).ToArray());
    }

    [Fact]
    public void A_wakeup_is_the_scheduler_part_plus_the_exit_of_the_idle_state_the_idle_period_reached()
    {
        var states = new[] { new IdleState("C1", 2_000_000, 2_000_000), new IdleState("C1E", 10_000_000, 20_000_000), new IdleState("C6", 133_000_000, 400_000_000) };
        var fixedScheduler = new CostVariability { Wakeup = new WakeupLatency { SchedulerMeanPs = 300_000, IdleStates = states } };
        var cpu = new NodeCpu(2);
        var draws = Draws(fixedScheduler, cpu: cpu);
        cpu[0].Execute(0, 5_000_000, out _); // core 0 busy until 5 µs, core 1 idle since 0
        Assert.Equal(300_000, draws.WakeupPs(0, 4_000_000));                 // busy core: no idle exit
        Assert.Equal(300_000, draws.WakeupPs(0, 6_000_000));                 // idle 1 µs: below C1's residency (poll)
        Assert.Equal(300_000 + 2_000_000, draws.WakeupPs(0, 15_000_000));    // idle 10 µs: C1
        Assert.Equal(300_000 + 10_000_000, draws.WakeupPs(0, 105_000_000));  // idle 100 µs: C1E
        Assert.Equal(300_000 + 133_000_000, draws.WakeupPs(1, 1_000_000_000)); // idle 1 ms: C6
    }

    [Fact]
    public void Drawn_wakeups_average_the_scheduler_mean()
    {
        var v = new CostVariability { Wakeup = new WakeupLatency { SchedulerMeanPs = 300_000, SchedulerCv = 1.0 } };
        var cpu = new NodeCpu(1);
        cpu[0].Execute(0, long.MaxValue / 4, out _); // always busy: the scheduler part alone
        var draws = Draws(v, cpu: cpu);
        const int n = 400_000;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += draws.WakeupPs(0, 1);
        double se = 300_000 * Math.Sqrt(new UnitMeanLogNormal(1.0).ExactVariance / n);
        Assert.InRange(sum / n, 300_000 - (4 * se) - 1, 300_000 + (4 * se) + 1);
    }
}
