using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests.Randomness;

/// <summary>The fixed-point charge sampler: its mean multiplier is 1, its charges keep the mean, the floor and the profile's spread.</summary>
public class SpreadSamplerTests
{
    [Theory]
    [InlineData(0.55, 0.0)]
    [InlineData(1.0909, 0.45)]
    [InlineData(2.0, 0.2)]
    public void The_mean_multiplier_is_one_to_within_two_to_the_minus_42(double excessCv, double floor) =>
        Assert.Equal(1.0, new SpreadSampler(excessCv, floor).ExactMean, 12);

    [Fact]
    public void Charges_average_their_mean_and_never_go_below_the_floor()
    {
        var sampler = new SpreadSampler(0.6 / 0.55, 0.45); // the default profile's softirq spread
        var rng = new RandomStream(5);
        const int n = 2_000_000;
        const long w = 2_269_000; // ip_rcv of a first packet, 2.269 µs
        long sum = 0, min = long.MaxValue;
        for (int i = 0; i < n; i++)
        {
            long ps = sampler.Draw(w, rng);
            sum += ps;
            min = Math.Min(min, ps);
        }
        double se = w * 0.6 / Math.Sqrt(n);
        Assert.InRange(sum / (double)n, w - (4 * se), w + (4 * se));
        Assert.True(min >= (long)(0.45 * w), $"min {min} ps below the floor {0.45 * w}");
    }

    [Theory]
    [InlineData(0.6, 0.45)] // the default profile's softirq spread
    [InlineData(0.3, 0.0)]
    public void Charges_spread_with_the_coefficient_of_variation_the_profile_states(double cv, double floor)
    {
        var sampler = new SpreadSampler(cv / (1 - floor), floor);
        var rng = new RandomStream(11);
        const int n = 2_000_000;
        const long w = 10_000_000; // 10 µs: stochastic rounding adds a variance of at most 1/4 ps², nothing here
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double x = sampler.Draw(w, rng) / (double)w;
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n, variance = (sumSq / n) - (mean * mean);
        // Closed form: Var = (1 − floor)² Var(M), Var(M) the stratified log-normal's (a shade under e^σ² − 1).
        var m = new UnitMeanLogNormal(cv / (1 - floor));
        double expected = (1 - floor) * (1 - floor) * m.ExactVariance;
        // Sampling error of a variance: √((E[(X − 1)⁴] − Var²) / n), E[(X − 1)⁴] bounded by the log-normal's (e^6σ² − 4e^3σ² + 6e^σ² − 3)(1 − floor)⁴.
        double s2 = m.Sigma * m.Sigma, excess = Math.Pow(1 - floor, 4);
        double fourth = (Math.Exp(6 * s2) - (4 * Math.Exp(3 * s2)) + (6 * Math.Exp(s2)) - 3) * excess;
        double se = Math.Sqrt((fourth - (expected * expected)) / n);
        Assert.InRange(variance, expected - (4 * se), expected + (4 * se));
        Assert.InRange(Math.Sqrt(variance) / mean, 0.97 * cv, 1.01 * cv); // the whole charge's cv is the profile's
    }

    [Fact]
    public void Equal_streams_draw_equal_charges_and_drawing_allocates_nothing()
    {
        var sampler = new SpreadSampler(1.0, 0.3);
        RandomStream a = new(11), b = new(11);
        for (int i = 0; i < 10_000; i++) Assert.Equal(sampler.Draw(1_000_000, a), sampler.Draw(1_000_000, b));
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sink = 0;
        for (int i = 0; i < 100_000; i++) sink += sampler.Draw(1_000_000, a);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sink > 0);
    }
}
