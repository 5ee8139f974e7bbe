using NetSim.Engine.Randomness;
using NetSim.Engine.Randomness.Distributions;

namespace NetSim.Engine.Tests;

public class DistributionTests
{
    private const int N = 200_000;

    public static TheoryData<string, IDistribution, double, double> Distributions => new()
    {
        // name, distribution, expected mean, standard deviation (for the tolerance)
        { "exp", new Exponential(10), 10, 10 },
        { "uniform", new Uniform(2, 6), 4, 4 / Math.Sqrt(12) },
        { "lognormal", new LogNormal(0, 0.5), Math.Exp(0.125), Math.Sqrt((Math.Exp(0.25) - 1) * Math.Exp(0.25)) },
        { "pareto", new Pareto(1, 3), 1.5, Math.Sqrt(0.75) },
        { "constant", new Constant(3.5), 3.5, 0 },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Sample_mean_matches_the_declared_and_closed_form_mean(string name, IDistribution dist, double mean, double sd)
    {
        Assert.Equal(mean, dist.Mean, 12);
        var rng = new RandomStream(99);
        double sum = 0;
        for (int i = 0; i < N; i++) sum += dist.Sample(rng);
        double tolerance = (5 * sd / Math.Sqrt(N)) + 1e-12;
        Assert.True(Math.Abs((sum / N) - mean) <= tolerance, $"{name}: sample mean {sum / N}, expected {mean} ± {tolerance}");
    }

    [Fact]
    public void Exponential_samples_follow_its_cdf()
    {
        var dist = new Exponential(2);
        var rng = new RandomStream(1);
        double[] samples = [.. Enumerable.Range(0, 50_000).Select(_ => dist.Sample(rng))];
        double d = KolmogorovSmirnov.MaxDeviation(samples, x => 1 - Math.Exp(-x / 2));
        Assert.True(d < KolmogorovSmirnov.CriticalValue(samples.Length), $"D = {d}");
    }

    [Fact]
    public void LogNormal_from_mean_and_std_dev_has_that_mean()
    {
        var dist = LogNormal.FromMeanAndStdDev(100, 30);
        Assert.Equal(100, dist.Mean, 9);
        double variance = (Math.Exp(dist.Sigma * dist.Sigma) - 1) * dist.Mean * dist.Mean;
        Assert.Equal(30, Math.Sqrt(variance), 9);
    }

    [Fact]
    public void Pareto_mean_is_infinite_for_shape_at_most_one() =>
        Assert.Equal(double.PositiveInfinity, new Pareto(1, 1).Mean);

    [Fact]
    public void Same_stream_seed_gives_the_same_samples()
    {
        var dist = new LogNormal(1, 2);
        RandomStream a = new(5), b = new(5);
        for (int i = 0; i < 100; i++) Assert.Equal(dist.Sample(a), dist.Sample(b));
    }

    [Fact]
    public void Bad_parameters_are_rejected_with_the_parameter_named()
    {
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => new Exponential(0)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => new Exponential(double.NaN)).ParamName);
        Assert.Equal("upper", Assert.Throws<ArgumentOutOfRangeException>(() => new Uniform(5, 1)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => new LogNormal(0, -1)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new Pareto(1, 0)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new Constant(double.PositiveInfinity)).ParamName);
    }
}
