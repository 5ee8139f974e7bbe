using MathNet.Numerics.Distributions;
using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests;

/// <summary>The ziggurat sampler against Exp(1): its tables, its distribution, and its determinism.</summary>
public class ExponentialZigguratTests
{
    private const int N = 1_000_000;

    private static double[] Draw(ulong seed, int n)
    {
        var rng = new RandomStream(seed);
        var samples = new double[n];
        for (int i = 0; i < n; i++) samples[i] = ExponentialZiggurat.Sample(rng);
        return samples;
    }

    [Fact]
    public void Every_layer_has_the_same_area_and_the_edges_close_at_zero()
    {
        ReadOnlySpan<double> x = ExponentialZiggurat.Edges;
        double v = ExponentialZiggurat.LayerArea;
        Assert.Equal(ExponentialZiggurat.LayerCount + 1, x.Length);
        Assert.Equal(ExponentialZiggurat.TailStart + 1, x[0], 12); // v / e^−r = r + 1
        Assert.Equal(0, x[^1]);
        // Base layer: rectangle [0, r] × [0, e^−r] plus the tail beyond r.
        Assert.Equal(v, (x[1] * Math.Exp(-x[1])) + Math.Exp(-x[1]), 15);
        for (int i = 1; i < ExponentialZiggurat.LayerCount; i++)
        {
            Assert.True(x[i + 1] < x[i], $"edge {i + 1} = {x[i + 1]} is not below edge {i} = {x[i]}");
            double area = x[i] * (Math.Exp(-x[i + 1]) - Math.Exp(-x[i]));
            Assert.True(Math.Abs(area - v) < 1e-10 * v, $"layer {i}: area {area}, expected {v}");
        }
    }

    [Fact]
    public void Samples_follow_the_exponential_cdf()
    {
        double[] samples = Draw(1, N);
        double d = KolmogorovSmirnov.MaxDeviation(samples, x => 1 - Math.Exp(-x));
        Assert.True(d < KolmogorovSmirnov.CriticalValue(N), $"D = {d}, critical {KolmogorovSmirnov.CriticalValue(N)}");
    }

    [Fact]
    public void Each_layers_slice_of_the_axis_gets_its_exact_probability()
    {
        // Bins between consecutive edges (wedges and cores alike) plus the tail beyond r: a chi-square test that
        // catches a mis-sized layer or a wrong wedge test, which shift mass between neighbouring slices.
        ReadOnlySpan<double> x = ExponentialZiggurat.Edges;
        int bins = ExponentialZiggurat.LayerCount; // [x_(i+1), x_i) for i = 1..255, then [r, ∞)
        var counts = new long[bins];
        var rng = new RandomStream(3);
        for (int n = 0; n < N; n++)
        {
            double s = ExponentialZiggurat.Sample(rng);
            int bin = 0; // the tail
            if (s < x[1])
            {
                int lo = 1, hi = bins; // find i with x[i + 1] <= s < x[i]
                while (hi - lo > 1)
                {
                    int mid = (lo + hi) / 2;
                    if (s < x[mid]) lo = mid;
                    else hi = mid;
                }
                bin = lo;
            }
            counts[bin]++;
        }
        double chi2 = 0;
        for (int i = 0; i < bins; i++)
        {
            double p = i == 0 ? Math.Exp(-x[1]) : Math.Exp(-x[i + 1]) - Math.Exp(-x[i]);
            double expected = p * N;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        double critical = ChiSquared.InvCDF(bins - 1, 0.999);
        Assert.True(chi2 < critical, $"chi² = {chi2}, critical {critical}");
    }

    [Fact]
    public void Mean_and_variance_are_one()
    {
        double[] samples = Draw(2, N);
        double mean = samples.Average();
        double variance = samples.Sum(s => (s - mean) * (s - mean)) / (N - 1);
        // Standard errors: 1/√N for the mean; √((μ4 − σ⁴)/N) = √(8/N) for the variance of Exp(1). 5 of each.
        Assert.InRange(mean, 1 - (5 / Math.Sqrt(N)), 1 + (5 / Math.Sqrt(N)));
        Assert.InRange(variance, 1 - (5 * Math.Sqrt(8.0 / N)), 1 + (5 * Math.Sqrt(8.0 / N)));
    }

    [Fact]
    public void Tail_probabilities_match_the_closed_form()
    {
        double[] samples = Draw(4, N);
        foreach (double t in new[] { 5.0, ExponentialZiggurat.TailStart, 10.0 })
        {
            double p = Math.Exp(-t);
            double observed = samples.Count(s => s > t) / (double)N;
            double tolerance = 5 * Math.Sqrt(p * (1 - p) / N); // 5 binomial standard errors
            Assert.True(Math.Abs(observed - p) <= tolerance, $"P(X > {t}) = {observed}, expected {p} ± {tolerance}");
        }
    }

    [Fact]
    public void Beyond_the_base_layer_the_excess_is_again_exponential()
    {
        // The tail is drawn as r + a fresh Exp(1) (memorylessness): the excess over r must follow Exp(1) too.
        double r = ExponentialZiggurat.TailStart;
        double[] excess = [.. Draw(5, 4 * N).Where(s => s > r).Select(s => s - r)];
        Assert.InRange(excess.Length, 1_500, 2_200); // 4e6 · e^−r ≈ 1,816
        double d = KolmogorovSmirnov.MaxDeviation(excess, x => 1 - Math.Exp(-x));
        Assert.True(d < KolmogorovSmirnov.CriticalValue(excess.Length), $"D = {d} over {excess.Length} tail draws");
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        Assert.Equal(Draw(9, 10_000), Draw(9, 10_000));
        Assert.NotEqual(Draw(9, 100), Draw(10, 100));
    }

    [Fact]
    public void The_sequence_is_pinned_to_the_published_algorithm()
    {
        // From an independent implementation (Python: xoshiro256** seeded by SplitMix64, the same closed-form
        // tables, the same bit layout). If this changes, every recorded result changes: do it only on purpose.
        double[] first = Draw(42, 5);
        double[] expected = [0.34250067685184493, 0.6425665193461961, 0.8735035140708333, 1.1877514348048177, 2.034390578695823];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], first[i], 1e-13);

        double[] many = Draw(7, 100_000); // long enough to pass through wedges and the tail
        Assert.Equal(99629.42432629867, many.Sum(), 1e-7);
        Assert.Equal(17.896938258131097, many.Max(), 1e-12);
    }

    [Fact]
    public void Sampling_allocates_nothing()
    {
        var rng = new RandomStream(8);
        double sum = 0;
        for (int i = 0; i < 1000; i++) sum += ExponentialZiggurat.Sample(rng);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) sum += ExponentialZiggurat.Sample(rng);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }
}
