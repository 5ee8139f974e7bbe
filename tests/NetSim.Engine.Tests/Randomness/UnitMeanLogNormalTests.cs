using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests.Randomness;

/// <summary>The stratified log-normal multiplier: its mean is exactly 1, its spread and quantiles the log-normal's.</summary>
public class UnitMeanLogNormalTests
{
    private const int N = 2_000_000;

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.55)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void The_mean_of_the_distribution_drawn_is_exactly_one(double cv)
    {
        var d = new UnitMeanLogNormal(cv);
        Assert.Equal(1.0, d.ExactMean, 12);
        // Each body stratum's mean lies inside the stratum, between the log-normal's quantiles at its edges.
        var means = d.StratumMeans;
        for (int i = 0; i < means.Length; i++)
        {
            double lo = i == 0 ? 0 : d.Quantile(i / (double)UnitMeanLogNormal.Strata);
            double hi = d.Quantile((i + 1) / (double)UnitMeanLogNormal.Strata);
            Assert.InRange(means[i], lo, hi);
        }
    }

    [Theory]
    [InlineData(0.55)]
    [InlineData(1.0)]
    public void The_variance_is_the_log_normals_less_what_collapsing_the_strata_removes(double cv)
    {
        var d = new UnitMeanLogNormal(cv);
        double logNormal = cv * cv; // variance of a mean-1 log-normal with this coefficient of variation
        Assert.InRange(d.ExactVariance, 0.99 * logNormal, logNormal);
    }

    [Theory]
    [InlineData(0.55, 1)]
    [InlineData(1.0, 2)]
    public void Draws_average_one_within_sampling_error(double cv, ulong seed)
    {
        var d = new UnitMeanLogNormal(cv);
        var rng = new RandomStream(seed);
        double sum = 0;
        for (int i = 0; i < N; i++) sum += d.Sample(rng);
        double standardError = Math.Sqrt(d.ExactVariance / N);
        Assert.InRange(sum / N, 1 - (4 * standardError), 1 + (4 * standardError));
    }

    [Fact]
    public void Quantiles_of_the_draws_are_the_log_normals_within_a_stratum_and_sampling_error()
    {
        var d = new UnitMeanLogNormal(0.55);
        var rng = new RandomStream(3);
        var x = new double[N];
        for (int i = 0; i < N; i++) x[i] = d.Sample(rng);
        Array.Sort(x);
        foreach (double p in new[] { 0.01, 0.10, 0.50, 0.90, 0.99, 0.999, 0.9999 })
        {
            // One stratum (1/1024) of probability either way, plus 4 binomial standard errors of the empirical quantile.
            double slack = (1.0 / UnitMeanLogNormal.Strata) + (4 * Math.Sqrt(p * (1 - p) / N));
            double q = x[(int)(p * N)];
            Assert.InRange(q, d.Quantile(Math.Max(1e-9, p - slack)), d.Quantile(Math.Min(1 - 1e-9, p + slack)));
        }
    }

    [Fact]
    public void The_tail_beyond_the_top_stratum_is_drawn_exactly()
    {
        var d = new UnitMeanLogNormal(0.55);
        var rng = new RandomStream(4);
        double q9999 = d.Quantile(0.9999), q99999 = d.Quantile(0.99999);
        int above4 = 0, above5 = 0;
        for (int i = 0; i < N; i++)
        {
            double s = d.Sample(rng);
            if (s > q9999) above4++;
            if (s > q99999) above5++;
        }
        // 200 and 20 expected: within 4 Poisson standard deviations.
        Assert.InRange(above4, 200 - (4 * Math.Sqrt(200)), 200 + (4 * Math.Sqrt(200)));
        Assert.InRange(above5, 20 - (4 * Math.Sqrt(20)), 20 + (4 * Math.Sqrt(20)));
    }

    [Fact]
    public void Equal_seeds_draw_equal_sequences_and_drawing_allocates_nothing()
    {
        var d = new UnitMeanLogNormal(0.55);
        RandomStream a = new(9), b = new(9);
        for (int i = 0; i < 10_000; i++) Assert.Equal(d.Sample(a), d.Sample(b));
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sink = 0;
        for (int i = 0; i < 100_000; i++) sink += d.Sample(a);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sink > 0);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_coefficient_of_variation_must_be_positive(double cv) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitMeanLogNormal(cv));
}
