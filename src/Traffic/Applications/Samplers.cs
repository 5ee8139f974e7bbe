using NetSim.Engine.Randomness;

namespace NetSim.Traffic.Applications;

/// <summary>
/// The sampler seam: applications draw sizes and gaps from a <c>Func&lt;double&gt;</c>, nothing more. These helpers
/// build samplers from a caller-owned <see cref="Random"/>; the engine's seeded RandomStream derives from
/// <see cref="Random"/>, so the scenario layer passes its named stream here (or wraps the engine's distributions in
/// a lambda) and no application code changes. Not for the hot path: one draw per arrival or transaction.
/// </summary>
public static class Samplers
{
    public static Func<double> Constant(double value) => () => value;

    /// <summary>Exponential with the given mean (Poisson arrivals when used for gaps), by inversion.</summary>
    public static Func<double> Exponential(double mean, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckMean(mean);
        return () => -mean * Math.Log(1.0 - random.NextDouble());
    }

    /// <summary>
    /// Exponential with the given mean from one of the engine's seeded streams: the engine's ziggurat sampler, the
    /// same draws as its <c>Exponential</c> distribution (no logarithm on the common path).
    /// </summary>
    public static Func<double> Exponential(double mean, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckMean(mean);
        return () => mean * ExponentialZiggurat.Sample(random);
    }

    public static Func<double> Uniform(double lower, double upper, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(upper >= lower)) throw new ArgumentOutOfRangeException(nameof(upper), upper, "upper must not be below lower");
        return () => lower + (upper - lower) * random.NextDouble();
    }

    /// <summary>
    /// An empirical CDF table (value, cumulative probability), rows in increasing order, last probability 1: a draw
    /// interpolates linearly between rows (as the flow-size tables of DCTCP/pFabric-style workloads are used).
    /// </summary>
    public static Func<double> EmpiricalCdf(IReadOnlyList<(double Value, double Cumulative)> table, Random random)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(random);
        if (table.Count == 0) throw new ArgumentException("an empirical CDF needs at least one row", nameof(table));
        var values = new double[table.Count];
        var cumulative = new double[table.Count];
        for (int i = 0; i < table.Count; i++)
        {
            (values[i], cumulative[i]) = table[i];
            if (i > 0 && (values[i] < values[i - 1] || cumulative[i] < cumulative[i - 1]))
                throw new ArgumentException($"row {i + 1}: values and probabilities must not decrease", nameof(table));
        }
        if (Math.Abs(cumulative[^1] - 1.0) > 1e-9) throw new ArgumentException("the last cumulative probability must be 1", nameof(table));
        return () => Invert(values, cumulative, random.NextDouble());
    }

    private static double Invert(double[] values, double[] cumulative, double u)
    {
        int i = Array.BinarySearch(cumulative, u);
        if (i < 0) i = ~i;
        if (i == 0) return values[0];
        if (i >= values.Length) return values[^1];
        double span = cumulative[i] - cumulative[i - 1];
        double f = span > 0 ? (u - cumulative[i - 1]) / span : 1;
        return values[i - 1] + f * (values[i] - values[i - 1]);
    }

    private static void CheckMean(double mean)
    {
        if (!(mean > 0)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "the mean must be positive");
    }

    /// <summary>A byte count from a sampler: rounded, at least <paramref name="minimum"/>.</summary>
    public static long Bytes(Func<double> sampler, long minimum = 0)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        double v = sampler();
        if (double.IsNaN(v) || v < minimum) return minimum;
        return v >= long.MaxValue ? long.MaxValue : (long)Math.Round(v);
    }
}
