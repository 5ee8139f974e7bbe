using MathNetDist = MathNet.Numerics.Distributions;

namespace NetSim.Engine.Randomness.Distributions;

/// <summary>
/// The Pareto (type I) distribution: values ≥ <see cref="Scale"/> with tail P(X &gt; x) = (scale/x)^shape.
/// Heavy-tailed flow sizes; the mean is infinite when shape ≤ 1.
/// </summary>
public sealed class Pareto : IDistribution
{
    public Pareto(double scale, double shape)
    {
        ParameterCheck.Positive(scale, nameof(scale));
        ParameterCheck.Positive(shape, nameof(shape));
        Scale = scale;
        Shape = shape;
    }

    public double Scale { get; }
    public double Shape { get; }
    public double Mean => Shape > 1 ? Shape * Scale / (Shape - 1) : double.PositiveInfinity;

    public double Sample(RandomStream rng) => MathNetDist.Pareto.Sample(rng, Scale, Shape);
}
