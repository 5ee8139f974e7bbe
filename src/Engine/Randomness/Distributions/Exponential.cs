namespace NetSim.Engine.Randomness.Distributions;

/// <summary>
/// The exponential distribution with the given mean (rate = 1/mean): Poisson inter-arrival gaps. Sampled with
/// the <see cref="ExponentialZiggurat"/> (no logarithm on the common path), scaled by the mean.
/// </summary>
public sealed class Exponential : IDistribution
{
    public Exponential(double mean)
    {
        ParameterCheck.Positive(mean, nameof(mean));
        Mean = mean;
    }

    public double Mean { get; }

    public double Sample(RandomStream rng) => Mean * ExponentialZiggurat.Sample(rng);
}
