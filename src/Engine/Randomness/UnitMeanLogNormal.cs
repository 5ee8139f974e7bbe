using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNetDist = MathNet.Numerics.Distributions;

namespace NetSim.Engine.Randomness;

/// <summary>
/// A log-normal multiplier whose mean is exactly 1 (μ = −σ²/2), given by its coefficient of variation: the spread
/// of one CPU charge or one wakeup around the profile's mean. Sampled by stratified inverse transform from a table,
/// so a draw costs one 64-bit output, a shift and a load, with no logarithm or exponential on the common path.
/// <para>
/// The unit interval is cut into <see cref="Strata"/> strata of equal probability. The top 10 bits of a draw pick a
/// stratum; every stratum but the last returns its conditional mean E[X | X in stratum], computed in closed form
/// (the partial expectations of a log-normal are Φ(z − σ) differences), so the strata together have mean exactly
/// 1. The last stratum, the tail above the 1 − 1/1024 quantile, is drawn exactly by inversion from the remaining
/// 54 bits (out of line, one draw in 1,024). The distribution drawn is the log-normal with each body stratum
/// collapsed to its mean: its quantiles are the log-normal's to within one stratum (0.1 % of probability) and its
/// mean is 1 to floating-point precision (<see cref="ExactMean"/>). Allocation-free, deterministic.
/// </para>
/// </summary>
public sealed class UnitMeanLogNormal
{
    /// <summary>Strata of equal probability; a power of two so the stratum is the top bits of a draw.</summary>
    public const int Strata = 1024;

    /// <summary>A 64-bit draw shifted right by this leaves its stratum (the top 10 bits).</summary>
    internal const int StratumShift = 64 - 10;
    private const double TailUnit = 1.0 / (1UL << StratumShift); // 54 low bits → a fraction of the top stratum

    private readonly double[] _means;

    public UnitMeanLogNormal(double coefficientOfVariation)
    {
        if (!double.IsFinite(coefficientOfVariation) || coefficientOfVariation <= 0)
            throw new ArgumentOutOfRangeException(nameof(coefficientOfVariation), coefficientOfVariation, "the coefficient of variation must be a finite number greater than 0");
        CoefficientOfVariation = coefficientOfVariation;
        double sigma2 = Math.Log(1 + (coefficientOfVariation * coefficientOfVariation));
        Sigma = Math.Sqrt(sigma2);
        Mu = -sigma2 / 2;
        _means = BuildStratumMeans(Sigma);
    }

    public double CoefficientOfVariation { get; }
    /// <summary>σ of the underlying normal.</summary>
    public double Sigma { get; }
    /// <summary>μ of the underlying normal: −σ²/2, which makes the mean 1.</summary>
    public double Mu { get; }

    /// <summary>The conditional mean of each body stratum (index 0 .. <see cref="Strata"/> − 2), for tests.</summary>
    internal ReadOnlySpan<double> StratumMeans => _means.AsSpan(0, Strata - 1);

    /// <summary>One draw (mean 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sample(RandomStream rng)
    {
        ulong bits = rng.NextUInt64();
        int stratum = (int)(bits >> StratumShift);
        return stratum < Strata - 1 ? Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_means), stratum) : Tail(bits);
    }

    /// <summary>
    /// The mean of the distribution drawn, in closed form: the body strata's means over <see cref="Strata"/> plus the
    /// tail's partial expectation E[X; X &gt; q] = 1 − Φ(z_q − σ). It is 1 up to rounding.
    /// </summary>
    public double ExactMean
    {
        get
        {
            double sum = 0;
            foreach (double m in StratumMeans) sum += m;
            return (sum / Strata) + TailPartialMean;
        }
    }

    /// <summary>
    /// The variance of the distribution drawn, in closed form: E[X²] over the body strata (their means squared)
    /// and the tail (E[X²; X &gt; q] = e^σ² (1 − Φ(z_q − 2σ))), minus 1. Slightly below the log-normal's
    /// (e^σ² − 1) because each body stratum is collapsed to its mean.
    /// </summary>
    public double ExactVariance
    {
        get
        {
            double sum = 0;
            foreach (double m in StratumMeans) sum += m * m;
            double tail = Math.Exp(Sigma * Sigma) * (1 - Phi(ZAt(Strata - 1) - (2 * Sigma)));
            return (sum / Strata) + tail - 1;
        }
    }

    /// <summary>The log-normal's own quantile at <paramref name="p"/> (what the draws' quantiles approximate).</summary>
    public double Quantile(double p) => Math.Exp(Mu + (Sigma * MathNetDist.Normal.InvCDF(0, 1, p)));

    /// <summary>
    /// E[X; X in the top stratum] = 1 − Φ(z − σ), z the standard normal quantile of 1 − 1/<see cref="Strata"/>: the
    /// top stratum's share of the mean.
    /// </summary>
    internal double TailPartialMean => 1 - Phi(ZAt(Strata - 1) - Sigma);

    /// <summary>The top stratum, exactly: u = 1 − (1 − f) / Strata with f from the 54 low bits, inverted through the upper tail.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal double Tail(ulong bits)
    {
        double f = (long)(bits & ((1UL << StratumShift) - 1)) * TailUnit; // in [0, 1)
        double upper = (1 - f) / Strata;                                    // P(X > x) in (0, 1/Strata]
        return Math.Exp(Mu - (Sigma * MathNetDist.Normal.InvCDF(0, 1, upper)));
    }

    /// <summary>Each body stratum's mean: Strata × (Φ(z_(i+1) − σ) − Φ(z_i − σ)), z_i the standard normal quantile of i/Strata.</summary>
    private static double[] BuildStratumMeans(double sigma)
    {
        var means = new double[Strata];
        double lower = 0; // Φ(z_0 − σ) with z_0 = −∞
        for (int i = 0; i < Strata - 1; i++)
        {
            double upper = Phi(ZAt(i + 1) - sigma);
            means[i] = Strata * (upper - lower);
            lower = upper;
        }
        means[Strata - 1] = double.NaN; // never read: the top stratum is drawn exactly
        return means;
    }

    private static double ZAt(int stratumEdge) => MathNetDist.Normal.InvCDF(0, 1, stratumEdge / (double)Strata);

    private static double Phi(double z) => MathNetDist.Normal.CDF(0, 1, z);
}
