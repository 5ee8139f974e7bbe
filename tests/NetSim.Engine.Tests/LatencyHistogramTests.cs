using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Randomness.Distributions;
using NetSim.Engine.Statistics;

namespace NetSim.Engine.Tests;

public class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

    /// <summary>Latencies from ~10 ns to ~10 ms (log-normal around 20 µs), in picoseconds.</summary>
    private static long[] Samples(int n, ulong seed)
    {
        var dist = new LogNormal(Math.Log(20e6), 1.5);
        var rng = new RandomStream(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (long)dist.Sample(rng))];
    }

    /// <summary>The nearest-rank percentile of sorted samples: the smallest value with ≥ p % of samples at or below it.</summary>
    private static long ExactPercentile(long[] sorted, double p) =>
        sorted[Math.Clamp((long)Math.Ceiling(p / 100 * sorted.Length), 1, sorted.Length) - 1];

    [Fact]
    public void Percentiles_are_within_the_stated_relative_error_of_the_exact_ones()
    {
        long[] samples = Samples(200_001, 1);
        var h = new LatencyHistogram();
        foreach (long s in samples) h.RecordPicoseconds(s);
        long[] sorted = [.. samples.Order()];

        foreach (double p in Percentiles)
        {
            long exact = ExactPercentile(sorted, p);
            long reported = h.Percentile(p).Picoseconds;
            Assert.True(reported >= exact && reported - exact <= LatencyHistogram.RelativeError * exact,
                $"p{p}: reported {reported}, exact {exact}");
        }
        Assert.Equal(h.Percentile(50), h.P50);
        Assert.Equal(h.Percentile(99.9), h.P999);
    }

    [Fact]
    public void Count_min_max_and_mean_are_exact()
    {
        long[] samples = Samples(10_000, 2);
        var h = new LatencyHistogram();
        foreach (long s in samples) h.Record(new SimTime(s));
        Assert.Equal(samples.Length, h.Count);
        Assert.Equal(samples.Min(), h.Min.Picoseconds);
        Assert.Equal(samples.Max(), h.Max.Picoseconds);
        Assert.Equal(samples.Select(s => (decimal)s).Average(), (decimal)h.MeanPicoseconds, 3);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var h = new LatencyHistogram();
        foreach (long v in new long[] { 0, 80, 80, 1500, 2047 }) h.RecordPicoseconds(v);
        Assert.Equal(80, h.Percentile(40).Picoseconds);
        Assert.Equal(1500, h.Percentile(80).Picoseconds);
        Assert.Equal(2047, h.Percentile(100).Picoseconds);
        Assert.Equal(0, h.Percentile(0).Picoseconds);
    }

    [Fact]
    public void Merging_two_halves_equals_recording_everything_in_one()
    {
        long[] samples = Samples(20_000, 3);
        LatencyHistogram all = new(), a = new(), b = new();
        for (int i = 0; i < samples.Length; i++)
        {
            all.RecordPicoseconds(samples[i]);
            (i % 3 == 0 ? a : b).RecordPicoseconds(samples[i]);
        }
        a.Merge(b);
        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Min, a.Min);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.MeanPicoseconds, a.MeanPicoseconds, 6);
        foreach (double p in Percentiles) Assert.Equal(all.Percentile(p), a.Percentile(p));
    }

    [Fact]
    public void Reset_forgets_every_sample()
    {
        var h = new LatencyHistogram();
        h.RecordPicoseconds(5_000_000);
        h.Reset();
        Assert.Equal(0, h.Count);
        Assert.Equal(SimTime.Zero, h.P99);
        h.RecordPicoseconds(7);
        Assert.Equal(7, h.Min.Picoseconds);
        Assert.Equal(7, h.P50.Picoseconds);
    }

    [Fact]
    public void Values_above_the_ceiling_are_clamped_but_keep_an_exact_max()
    {
        var h = new LatencyHistogram(SimTime.FromMicroseconds(1));
        h.Record(SimTime.FromMicroseconds(5));
        h.Record(SimTime.FromNanoseconds(10));
        Assert.Equal(1, h.ClampedCount);
        Assert.Equal(SimTime.FromMicroseconds(5), h.Max);
        Assert.True(h.P99 <= SimTime.FromMicroseconds(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.RecordPicoseconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Percentile(101));
    }

    [Fact]
    public void Merging_a_wider_histogram_into_a_narrower_one_is_refused()
    {
        var narrow = new LatencyHistogram(SimTime.FromMilliseconds(1));
        var wide = new LatencyHistogram(SimTime.FromSeconds(1));
        Assert.Throws<ArgumentException>(() => narrow.Merge(wide));
    }
}
