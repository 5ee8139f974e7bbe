using MathNetDist = MathNet.Numerics.Distributions;

namespace NetSim.Engine.Randomness.Distributions;

/// <summary>The exponential distribution with the given mean (rate = 1/mean): Poisson inter-arrival gaps.</summary>
public sealed class Exponential : IDistribution
{
    private readonly double _rate;

    public Exponential(double mean)
    {
        ParameterCheck.Positive(mean, nameof(mean));
        Mean = mean;
        _rate = 1.0 / mean;
    }

    public double Mean { get; }

    public double Sample(RandomStream rng) => MathNetDist.Exponential.Sample(rng, _rate);
}
