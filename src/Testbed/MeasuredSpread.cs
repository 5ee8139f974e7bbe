using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// How far a row's repetitions lie from their median: the smallest and largest, and the larger of the two relative
/// distances (±%). A row whose repetitions spread wider than a tolerance cannot be judged to that tolerance: the
/// machine itself did not repeat the figure that closely.
/// </summary>
public sealed record MeasuredSpread(int Runs, double Min, double Median, double Max)
{
    public static readonly MeasuredSpread Unknown = new(0, double.NaN, double.NaN, double.NaN);

    public static MeasuredSpread Of(IReadOnlyList<double> runs)
    {
        if (runs.Count == 0) return Unknown;
        var sorted = runs.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new MeasuredSpread(n, sorted[0], median, sorted[^1]);
    }

    /// <summary>max(max / median − 1, 1 − min / median) in %; NaN for a single run or none (no spread was measured).</summary>
    public double Percent => Runs < 2 || !(Median > 0) ? double.NaN : Math.Max(Max / Median - 1, 1 - Min / Median) * 100;

    /// <summary>True when the repetitions stay within ±<paramref name="tolerancePercent"/> of their median (a single run counts as judgeable: nothing says otherwise).</summary>
    public bool Judgeable(double tolerancePercent) => double.IsNaN(Percent) || Percent <= tolerancePercent;

    public string Text => Runs == 0 ? "n/a" : Runs == 1 ? "1 run"
        : string.Create(CultureInfo.InvariantCulture, $"{Number(Min)}..{Number(Max)} (±{Percent:0} %)");

    private static string Number(double v) => NetSim.Experiments.Calibration.ReferenceCheck.Number(v);
}
