using NetSim.Engine.Randomness;
using NetSim.Engine.Randomness.Distributions;

namespace NetSim.Engine.Tests;

public class EmpiricalCdfTests
{
    // A flow-size-like table: a 10 % point mass at 1, then piecewise-linear segments, one with zero mass.
    private static readonly (double, double)[] Table =
    [
        (1, 0.10), (10, 0.15), (20, 0.30), (50, 0.40), (50, 0.55), (200, 0.60), (200, 0.60), (1000, 0.80), (5000, 0.97), (30000, 1.0),
    ];

    [Fact]
    public void Inverse_cdf_hits_the_rows_and_interpolates_linearly_between_them()
    {
        var cdf = new EmpiricalCdf(Table);
        Assert.Equal(1, cdf.InverseCdf(0));
        Assert.Equal(1, cdf.InverseCdf(0.10));
        Assert.Equal(15, cdf.InverseCdf(0.225), 9); // halfway between (10, 0.15) and (20, 0.30)
        Assert.Equal(50, cdf.InverseCdf(0.5), 9); // inside the jump at 50
        Assert.Equal(600, cdf.InverseCdf(0.70), 9); // halfway between (200, 0.60) and (1000, 0.80)
        Assert.Equal(30000, cdf.InverseCdf(1), 9);
    }

    [Fact]
    public void Samples_follow_the_tables_cdf()
    {
        var cdf = new EmpiricalCdf(Table);
        var rng = new RandomStream(17);
        const int n = 100_000;
        double[] sorted = [.. Enumerable.Range(0, n).Select(_ => cdf.Sample(rng)).Order()];

        // sup |F_n − F| over a fine grid (the table has atoms, so compare at points rather than per sample).
        double maxDeviation = 0;
        foreach (double x in Grid())
        {
            double empirical = UpperBound(sorted, x) / (double)n;
            maxDeviation = Math.Max(maxDeviation, Math.Abs(empirical - cdf.Cdf(x)));
        }
        Assert.True(maxDeviation < KolmogorovSmirnov.CriticalValue(n), $"max deviation {maxDeviation}");
        Assert.Equal(0.10, sorted.Count(v => v == 1) / (double)n, 2); // the point mass at the first value
    }

    [Fact]
    public void Mean_integrates_the_piecewise_linear_table()
    {
        var cdf = new EmpiricalCdf([(0, 0.5), (10, 1.0)]); // half at 0, half uniform on [0, 10]
        Assert.Equal(2.5, cdf.Mean, 12);
        var rng = new RandomStream(8);
        double sum = 0;
        for (int i = 0; i < 100_000; i++) sum += cdf.Sample(rng);
        Assert.InRange(sum / 100_000, 2.45, 2.55);
    }

    [Fact]
    public void A_last_probability_within_rounding_of_one_is_accepted() =>
        Assert.Equal(5, new EmpiricalCdf([(1, 0.3), (5, 0.9999999999)]).InverseCdf(1));

    [Theory]
    [InlineData(new double[] { 1, 0.5, 2, 0.4, 3, 1.0 }, "probabilities must be non-decreasing")]
    [InlineData(new double[] { 5, 0.5, 2, 0.7, 3, 1.0 }, "values must be non-decreasing")]
    [InlineData(new double[] { 1, 0.5, 2, 0.9 }, "it must be 1")]
    [InlineData(new double[] { 1, -0.1, 2, 1.0 }, "outside [0, 1]")]
    [InlineData(new double[] { double.NaN, 0.5, 2, 1.0 }, "not a finite number")]
    [InlineData(new double[0], "at least one row")]
    public void Bad_tables_are_rejected_with_a_reason(double[] flat, string reason)
    {
        var rows = Enumerable.Range(0, flat.Length / 2).Select(i => (flat[2 * i], flat[(2 * i) + 1]));
        var ex = Assert.Throws<ArgumentException>(() => new EmpiricalCdf(rows));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<double> Grid()
    {
        for (int i = 1; i < Table.Length; i++)
        {
            (double lo, _) = Table[i - 1];
            (double hi, _) = Table[i];
            for (int k = 0; k <= 200; k++) yield return lo + ((hi - lo) * k / 200);
        }
    }

    /// <summary>How many sorted values are ≤ x.</summary>
    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
