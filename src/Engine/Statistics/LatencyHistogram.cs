using HdrHistogram;
using NetSim.Engine.Core;

namespace NetSim.Engine.Statistics;

/// <summary>
/// A high-dynamic-range latency histogram (HdrHistogram's <see cref="LongHistogram"/>) recording picoseconds,
/// the unit of <see cref="SimTime"/>, with 3 significant digits: a reported percentile is never below the true
/// sample percentile and exceeds it by at most 0.1 % (relative error ≤ 1/1024), and values below 2048 ps are
/// exact. Count, Min, Max and Mean are tracked exactly on the side. Values above
/// <see cref="HighestTrackable"/> are counted in the histogram at that ceiling (see <see cref="ClampedCount"/>)
/// but still count exactly towards Min/Max/Mean. Memory is about 8 × 1024 × log2(highest / 1024) bytes,
/// ~340 KB for the default ceiling of one hour. Recording allocates nothing.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Significant decimal digits kept by the histogram.</summary>
    public const int SignificantDigits = 3;

    /// <summary>The largest relative error of a reported percentile (0.1 %).</summary>
    public const double RelativeError = 0.001;

    private readonly LongHistogram _histogram;
    private long _count;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private Int128 _sum; // exact: a long of picoseconds would overflow after ~10^7 one-second samples
    private long _clamped;

    /// <summary>A histogram for latencies up to one hour.</summary>
    public LatencyHistogram() : this(SimTime.FromSeconds(3600)) { }

    /// <param name="highestTrackable">The largest latency resolved; larger ones are clamped to it.</param>
    public LatencyHistogram(SimTime highestTrackable)
    {
        if (highestTrackable.Picoseconds < 2)
            throw new ArgumentOutOfRangeException(nameof(highestTrackable), highestTrackable, "the highest trackable latency must be at least 2 ps");
        HighestTrackable = highestTrackable;
        _histogram = new LongHistogram(1, highestTrackable.Picoseconds, SignificantDigits);
    }

    public SimTime HighestTrackable { get; }
    public long Count => _count;
    /// <summary>Samples above <see cref="HighestTrackable"/>, recorded in the histogram at the ceiling.</summary>
    public long ClampedCount => _clamped;
    /// <summary>The exact smallest sample; <see cref="SimTime.Zero"/> when empty.</summary>
    public SimTime Min => _count == 0 ? SimTime.Zero : new SimTime(_min);
    /// <summary>The exact largest sample; <see cref="SimTime.Zero"/> when empty.</summary>
    public SimTime Max => _count == 0 ? SimTime.Zero : new SimTime(_max);
    /// <summary>The exact mean in picoseconds; NaN when empty.</summary>
    public double MeanPicoseconds => _count == 0 ? double.NaN : (double)_sum / _count;
    /// <summary>The exact mean rounded to the nearest picosecond; <see cref="SimTime.Zero"/> when empty.</summary>
    public SimTime Mean => _count == 0 ? SimTime.Zero : new SimTime((long)Math.Round(MeanPicoseconds));

    public SimTime P50 => Percentile(50);
    public SimTime P90 => Percentile(90);
    public SimTime P99 => Percentile(99);
    public SimTime P999 => Percentile(99.9);

    public void Record(SimTime latency) => RecordPicoseconds(latency.Picoseconds);

    public void RecordPicoseconds(long latency)
    {
        if (latency < 0) ThrowNegative(latency);
        _count++;
        _sum += latency;
        if (latency < _min) _min = latency;
        if (latency > _max) _max = latency;
        long bounded = latency;
        if (latency > _histogram.HighestTrackableValue)
        {
            bounded = _histogram.HighestTrackableValue;
            _clamped++;
        }
        _histogram.RecordValue(bounded);
    }

    /// <summary>
    /// The nearest-rank percentile: the smallest sample such that at least <paramref name="p"/> % of the samples
    /// are ≤ it, reported as the top of its histogram bucket (so within +0.1 %) and clamped to [Min, Max].
    /// <see cref="SimTime.Zero"/> when empty.
    /// </summary>
    /// <param name="p">A percentage in [0, 100].</param>
    public SimTime Percentile(double p)
    {
        if (!(p >= 0 && p <= 100)) throw new ArgumentOutOfRangeException(nameof(p), p, "a percentile must be in [0, 100]");
        if (_count == 0) return SimTime.Zero;
        long rank = Math.Clamp((long)Math.Ceiling(p / 100 * _count), 1, _count);
        foreach (var step in _histogram.RecordedValues())
        {
            if (step.TotalCountToThisValue < rank) continue;
            long top = _histogram.HighestEquivalentValue(step.ValueIteratedTo);
            return new SimTime(Math.Clamp(top, _min, _max));
        }
        return new SimTime(_max); // unreachable: the histogram holds _count samples
    }

    /// <summary>Adds <paramref name="other"/>'s samples into this one (e.g. per-flow into per-run).</summary>
    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.HighestTrackable > HighestTrackable)
            throw new ArgumentException($"cannot merge a histogram tracking up to {other.HighestTrackable} into one tracking up to {HighestTrackable}", nameof(other));
        if (other._count == 0) return;
        _histogram.Add(other._histogram);
        _count += other._count;
        _sum += other._sum;
        _clamped += other._clamped;
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
    }

    /// <summary>Forgets every sample (e.g. at the end of a warm-up period).</summary>
    public void Reset()
    {
        _histogram.Reset();
        _count = 0;
        _sum = 0;
        _clamped = 0;
        _min = long.MaxValue;
        _max = long.MinValue;
    }

    private static void ThrowNegative(long latency) =>
        throw new ArgumentOutOfRangeException(nameof(latency), latency, "a latency cannot be negative");
}
