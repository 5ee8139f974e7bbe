using MathNet.Numerics.Distributions;

namespace NetSim.Engine.Statistics;

/// <summary>
/// One output measure summarised across independent replications (runs with different seeds): mean, sample
/// standard deviation, and the Student-t confidence half-width t(1 − α/2, n − 1) · s / √n.
/// </summary>
public sealed class ReplicationSummary
{
    /// <param name="values">One value per replication; at least one.</param>
    public ReplicationSummary(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("a replication summary needs at least one value", nameof(values));
        // Welford's update: numerically stable for values with a large common offset.
        double mean = 0, m2 = 0;
        int n = 0;
        foreach (double x in values)
        {
            if (!double.IsFinite(x)) throw new ArgumentException($"replication {n} has a non-finite value {x}", nameof(values));
            n++;
            double delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
        }
        Count = n;
        Mean = mean;
        StdDev = n > 1 ? Math.Sqrt(m2 / (n - 1)) : double.NaN;
    }

    public int Count { get; }
    public double Mean { get; }
    /// <summary>The sample standard deviation (n − 1 denominator); NaN for a single replication.</summary>
    public double StdDev { get; }
    /// <summary>The 95 % confidence half-width; NaN for a single replication.</summary>
    public double HalfWidth95 => HalfWidth(0.95);

    /// <summary>The half-width of the two-sided Student-t confidence interval at <paramref name="confidence"/>.</summary>
    public double HalfWidth(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1), e.g. 0.95");
        if (Count < 2) return double.NaN;
        double t = StudentT.InvCDF(0, 1, Count - 1, 1 - ((1 - confidence) / 2));
        return t * StdDev / Math.Sqrt(Count);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:G6} ± {HalfWidth95:G4} (95 %, n = {Count})");
}
