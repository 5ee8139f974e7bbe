using NetSim.Engine.Core;
using NetSim.Engine.Statistics;

namespace NetSim.Engine.Tests;

public class StatisticsTests
{
    [Fact]
    public void Time_weighted_average_weights_each_level_by_how_long_it_held()
    {
        var avg = new TimeWeightedAverage(SimTime.Zero);
        avg.Update(new SimTime(10), 2);
        avg.Update(new SimTime(30), 1);
        Assert.Equal((0 * 10 + 2 * 20 + 1 * 10) / 40.0, avg.Average(new SimTime(40)), 12);
        Assert.Equal(1, avg.Current);
    }

    [Fact]
    public void Time_weighted_average_restarts_on_reset_and_rejects_time_going_back()
    {
        var avg = new TimeWeightedAverage(new SimTime(100), 4);
        Assert.Equal(4, avg.Average(new SimTime(100))); // empty interval: the current level
        avg.Update(new SimTime(200), 0);
        avg.Reset(new SimTime(300));
        avg.Update(new SimTime(350), 6);
        Assert.Equal(3, avg.Average(new SimTime(400)), 12); // 0 for 50 ps, 6 for 50 ps
        Assert.Throws<ArgumentOutOfRangeException>(() => avg.Update(new SimTime(340), 1));
    }

    [Fact]
    public void Counter_counts_and_refuses_to_count_down()
    {
        var c = new Counter();
        c.Increment();
        c.Add(41);
        Assert.Equal(42, c.Value);
        Assert.Equal(42e3, c.RatePerSecond(SimTime.FromMilliseconds(1)), 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Add(-1));
        c.Reset();
        Assert.Equal(0, c.Value);
    }

    [Fact]
    public void Replication_summary_matches_a_hand_computed_example()
    {
        // 1..5: mean 3, s = √2.5, t(0.975, 4) = 2.776445 (table), half-width = t · s / √5.
        var s = new ReplicationSummary([1.0, 2, 3, 4, 5]);
        Assert.Equal(5, s.Count);
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal(1.5811388, s.StdDev, 6);
        Assert.Equal(2.776445 * Math.Sqrt(2.5) / Math.Sqrt(5), s.HalfWidth95, 5);
    }

    [Fact]
    public void Replication_summary_matches_a_second_example_with_an_offset()
    {
        // 1e9 + {2, 4, 4, 4, 5, 5, 7, 9}: mean 1e9 + 5, Σ(x − x̄)² = 32, s = √(32/7), t(0.975, 7) = 2.364624.
        var s = new ReplicationSummary([.. new double[] { 2, 4, 4, 4, 5, 5, 7, 9 }.Select(x => 1e9 + x)]);
        Assert.Equal(1e9 + 5, s.Mean, 6);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.StdDev, 6);
        Assert.Equal(2.364624 * Math.Sqrt(32.0 / 7) / Math.Sqrt(8), s.HalfWidth95, 5);
        Assert.True(s.HalfWidth(0.99) > s.HalfWidth95);
    }

    [Fact]
    public void Replication_summary_of_one_run_has_no_interval_and_of_none_is_refused()
    {
        var one = new ReplicationSummary([7.0]);
        Assert.Equal(7, one.Mean);
        Assert.True(double.IsNaN(one.StdDev));
        Assert.True(double.IsNaN(one.HalfWidth95));
        Assert.Throws<ArgumentException>(() => new ReplicationSummary([]));
    }
}
