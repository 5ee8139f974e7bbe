using System.Globalization;

namespace NetSim.Engine.Randomness.Distributions;

/// <summary>
/// A distribution given as a table of (value, cumulative probability) rows, e.g. a measured flow-size CDF.
/// Sampling is inverse-transform: draw u in [0, 1) and read the value off the table, interpolating linearly
/// between rows. The first row's probability is a point mass at its value (P(X = v0) = p0); between rows the
/// probability is spread uniformly, so the sampled CDF is exactly the piecewise-linear curve through the rows.
/// </summary>
public sealed class EmpiricalCdf : IDistribution
{
    /// <summary>How far the last probability may be from 1 (rounding in a CSV table) before it is rejected.</summary>
    public const double ProbabilityTolerance = 1e-9;

    private readonly double[] _values;
    private readonly double[] _probabilities;

    /// <param name="rows">At least one row; values and probabilities non-decreasing; the last probability 1.</param>
    public EmpiricalCdf(IEnumerable<(double Value, double CumulativeProbability)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        Validate(list);
        _values = new double[list.Count];
        _probabilities = new double[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            _values[i] = list[i].Value;
            _probabilities[i] = list[i].CumulativeProbability;
        }
        _probabilities[^1] = 1.0; // snap a last probability within tolerance of 1 to exactly 1
        Mean = ComputeMean();
    }

    public int RowCount => _values.Length;
    public double Mean { get; }

    /// <summary>The value at cumulative probability <paramref name="u"/> in [0, 1]: the inverse of the table's CDF.</summary>
    public double InverseCdf(double u)
    {
        int i = FirstRowAtOrAbove(u);
        if (i == 0) return _values[0];
        double p0 = _probabilities[i - 1], p1 = _probabilities[i];
        double v0 = _values[i - 1], v1 = _values[i];
        return v0 + ((u - p0) / (p1 - p0) * (v1 - v0)); // p1 > p0 here: u lies strictly above p0
    }

    /// <summary>P(X ≤ <paramref name="x"/>) under the piecewise-linear table.</summary>
    public double Cdf(double x)
    {
        if (x < _values[0]) return 0;
        for (int i = 1; i < _values.Length; i++)
        {
            if (x >= _values[i]) continue;
            double v0 = _values[i - 1], v1 = _values[i];
            return _probabilities[i - 1] + ((x - v0) / (v1 - v0) * (_probabilities[i] - _probabilities[i - 1]));
        }
        return 1;
    }

    public double Sample(RandomStream rng) => InverseCdf(rng.NextDouble());

    /// <summary>The smallest row index whose cumulative probability is ≥ u (binary search; the last row is 1).</summary>
    private int FirstRowAtOrAbove(double u)
    {
        int lo = 0, hi = _probabilities.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_probabilities[mid] >= u) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private double ComputeMean()
    {
        double mean = _probabilities[0] * _values[0];
        for (int i = 1; i < _values.Length; i++)
            mean += (_probabilities[i] - _probabilities[i - 1]) * (_values[i - 1] + _values[i]) / 2;
        return mean;
    }

    private static void Validate(List<(double Value, double CumulativeProbability)> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("an empirical CDF needs at least one row", nameof(rows));
        for (int i = 0; i < rows.Count; i++)
        {
            (double v, double p) = rows[i];
            if (!double.IsFinite(v)) throw RowError(i, $"value {v} is not a finite number");
            if (!(p >= 0 && p <= 1 + ProbabilityTolerance)) throw RowError(i, $"cumulative probability {p} is outside [0, 1]");
            if (i == 0) continue;
            if (v < rows[i - 1].Value) throw RowError(i, $"value {v} is below the previous row's {rows[i - 1].Value}; values must be non-decreasing");
            if (p < rows[i - 1].CumulativeProbability)
                throw RowError(i, $"cumulative probability {p} is below the previous row's {rows[i - 1].CumulativeProbability}; probabilities must be non-decreasing");
        }
        double last = rows[^1].CumulativeProbability;
        if (Math.Abs(last - 1) > ProbabilityTolerance)
            throw new ArgumentException($"the last row's cumulative probability is {last.ToString(CultureInfo.InvariantCulture)}; it must be 1", nameof(rows));
    }

    private static ArgumentException RowError(int index, string message, string paramName = "rows") =>
        new(string.Create(CultureInfo.InvariantCulture, $"row {index}: {message}"), paramName);
}
