using MathNetDist = MathNet.Numerics.Distributions;

namespace NetSim.Engine.Randomness.Distributions;

/// <summary>The continuous uniform distribution on [lower, upper].</summary>
public sealed class Uniform : IDistribution
{
    public Uniform(double lower, double upper)
    {
        ParameterCheck.Finite(lower, nameof(lower));
        ParameterCheck.Finite(upper, nameof(upper));
        if (upper < lower)
            throw new ArgumentOutOfRangeException(nameof(upper), upper, $"upper ({upper}) must not be below lower ({lower})");
        Lower = lower;
        Upper = upper;
    }

    public double Lower { get; }
    public double Upper { get; }
    public double Mean => (Lower + Upper) / 2;

    public double Sample(RandomStream rng) => MathNetDist.ContinuousUniform.Sample(rng, Lower, Upper);
}
