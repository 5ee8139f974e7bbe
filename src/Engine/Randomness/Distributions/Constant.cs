namespace NetSim.Engine.Randomness.Distributions;

/// <summary>A degenerate distribution that always returns one value (deterministic sizes or gaps).</summary>
public sealed class Constant : IDistribution
{
    public Constant(double value)
    {
        ParameterCheck.Finite(value, nameof(value));
        Value = value;
    }

    public double Value { get; }
    public double Mean => Value;

    /// <summary>Returns <see cref="Value"/> and draws nothing, so it does not advance the stream.</summary>
    public double Sample(RandomStream rng) => Value;
}
