using MathNetDist = MathNet.Numerics.Distributions;

namespace NetSim.Engine.Randomness.Distributions;

/// <summary>
/// The log-normal distribution: exp of a normal with mean <see cref="Mu"/> and standard deviation
/// <see cref="Sigma"/> (both on the log scale). Service times and flow sizes are often modelled this way.
/// </summary>
public sealed class LogNormal : IDistribution
{
    public LogNormal(double mu, double sigma)
    {
        ParameterCheck.Finite(mu, nameof(mu));
        ParameterCheck.Positive(sigma, nameof(sigma));
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The log-normal whose own mean and standard deviation (not the log-scale ones) are given.</summary>
    public static LogNormal FromMeanAndStdDev(double mean, double stdDev)
    {
        ParameterCheck.Positive(mean, nameof(mean));
        ParameterCheck.Positive(stdDev, nameof(stdDev));
        double sigma2 = Math.Log(1 + (stdDev * stdDev / (mean * mean)));
        return new LogNormal(Math.Log(mean) - (sigma2 / 2), Math.Sqrt(sigma2));
    }

    public double Mu { get; }
    public double Sigma { get; }
    public double Mean => Math.Exp(Mu + (Sigma * Sigma / 2));

    public double Sample(RandomStream rng) => MathNetDist.LogNormal.Sample(rng, Mu, Sigma);
}
