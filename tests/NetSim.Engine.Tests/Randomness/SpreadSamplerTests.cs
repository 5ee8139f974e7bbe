using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests.Randomness;

/// <summary>The fixed-point charge sampler: its mean multiplier is 1, its charges keep the mean and the floor.</summary>
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
