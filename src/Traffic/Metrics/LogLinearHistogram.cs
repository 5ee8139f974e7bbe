using System.Numerics;

namespace NetSim.Traffic.Metrics;

/// <summary>
/// A small HDR-style histogram of non-negative picosecond values: values below 128 are exact; above, each power
/// of two is split into 64 linear sub-buckets, so a reported percentile is within 1/128 (0.8%) of a recorded
/// value. Rows are allocated the first time a power of two is hit (a flow touches only a few), never per record.
/// Min, max, mean and count are exact.
/// </summary>
public sealed class LogLinearHistogram : ILatencyRecorder
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;      // 128 exact values in row 0
    private const int HalfSub = SubCount / 2;        // 64 sub-buckets per power of two above
    private const int Rows = 64 - SubBits + 1;

    private readonly long[]?[] _rows = new long[Rows][];
    private long _count;
    private long _min = long.MaxValue;
    private long _max;
    private Int128 _sum;

    public long Count => _count;
    public long MinPicoseconds => _count == 0 ? 0 : _min;
    public long MaxPicoseconds => _max;
    public double MeanPicoseconds => _count == 0 ? 0 : (double)_sum / _count;

    public void RecordPicoseconds(long latencyPs)
    {
        long v = Math.Max(0, latencyPs);
        (int row, int sub) = Locate(v);
        long[] r = _rows[row] ??= new long[row == 0 ? SubCount : HalfSub];
        r[sub]++;
        _count++;
        _sum += v;
        if (v < _min) _min = v;
        if (v > _max) _max = v;
    }

    public long PercentilePicoseconds(double percentile)
    {
        if (_count == 0) return 0;
        double p = Math.Clamp(percentile, 0, 100);
        long rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * _count));
        long seen = 0;
        for (int row = 0; row < Rows; row++)
        {
            long[]? r = _rows[row];
            if (r is null) continue;
            for (int sub = 0; sub < r.Length; sub++)
            {
                seen += r[sub];
                if (seen >= rank) return Math.Clamp(Midpoint(row, sub), _min, _max);
            }
        }
        return _max;
    }

    /// <summary>Adds every value of <paramref name="other"/> (per-application totals from per-flow histograms).</summary>
    public void Merge(LogLinearHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int row = 0; row < Rows; row++)
        {
            long[]? src = other._rows[row];
            if (src is null) continue;
            long[] dst = _rows[row] ??= new long[src.Length];
            for (int i = 0; i < src.Length; i++) dst[i] += src[i];
        }
        _count += other._count;
        _sum += other._sum;
        if (other._count > 0)
        {
            _min = Math.Min(_min, other._min);
            _max = Math.Max(_max, other._max);
        }
    }

    private static (int Row, int Sub) Locate(long v)
    {
        if (v < SubCount) return (0, (int)v);
        int log2 = 63 - BitOperations.LeadingZeroCount((ulong)v); // ≥ SubBits
        int shift = log2 - (SubBits - 1);                           // keeps 7 significant bits
        int row = shift;                                            // 1..
        int sub = (int)(v >> shift) - HalfSub;                      // 0..63
        return (row, sub);
    }

    private static long Midpoint(int row, int sub)
    {
        if (row == 0) return sub;
        int shift = row;
        long low = (long)(sub + HalfSub) << shift;
        return low + ((1L << shift) >> 1);
    }
}
