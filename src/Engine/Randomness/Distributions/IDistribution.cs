namespace NetSim.Engine.Randomness.Distributions;

/// <summary>
/// A distribution of non-time-typed values (a delay in some unit, a size in bytes): the caller gives the units.
/// Sampling draws from the stream it is given, so one distribution object can serve many streams.
/// </summary>
public interface IDistribution
{
    /// <summary>One draw; allocates nothing.</summary>
    double Sample(RandomStream rng);

    /// <summary>The distribution's expected value (may be +∞, e.g. a Pareto with shape ≤ 1).</summary>
    double Mean { get; }
}
