using System.Globalization;
using System.Text;
using NetSim.Experiments.Calibration;

namespace NetSim.Testbed;

/// <summary>
/// Every row measured against the simulation before and after the local fit, with its measured spread. The held-out
/// rows are the prediction test; a held-out row whose repetitions spread wider than the tolerance is reported as not
/// judgeable (the machine did not repeat it that closely), not counted as a hit or a miss.
/// </summary>
public sealed record TestbedPrediction(
    IReadOnlyList<ReferenceRow> Rows,
    IReadOnlyList<MeasuredSpread> Spreads,
    FitResult Fit,
    IReadOnlyList<FittedMechanism> Mechanisms,
    TestbedMachine Machine,
    string ProfilePath)
{
    private const double Tolerance = MeasurementSetWriter.TolerancePercent;

    /// <summary>Relative error of row <paramref name="i"/> after the fit, in % (NaN when the simulation measured nothing).</summary>
    public double ErrorPercent(int i) => (Fit.After[i] / Rows[i].Published - 1) * 100;

    public IEnumerable<int> HeldOut => Enumerable.Range(0, Rows.Count).Where(i => !Rows[i].Fit);

    /// <summary>Held-out rows whose repetitions agree to within the tolerance.</summary>
    public IEnumerable<int> Judgeable => HeldOut.Where(i => Spreads[i].Judgeable(Tolerance));

    /// <summary>Judgeable held-out rows predicted within the tolerance.</summary>
    public int HeldOutWithin => Judgeable.Count(i => Math.Abs(ErrorPercent(i)) <= Tolerance);

    /// <summary>One line: how many judgeable held-out rows the fitted profile predicts within the tolerance, and how many could not be judged.</summary>
    public string Summary
    {
        get
        {
            int judgeable = Judgeable.Count(), notJudgeable = HeldOut.Count() - judgeable;
            int once = HeldOut.Count(i => Spreads[i].Runs < 2);
            string share = judgeable == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({100.0 * HeldOutWithin / judgeable:0} %)");
            string spread = once == HeldOut.Count() ? "each row was measured once, so no spread was measured."
                : notJudgeable == 0 ? string.Create(CultureInfo.InvariantCulture, $"every held-out row repeated within ±{Tolerance:0} %.")
                : string.Create(CultureInfo.InvariantCulture, $"{notJudgeable} held-out row{(notJudgeable == 1 ? "" : "s")} not judgeable (repetitions spread wider than ±{Tolerance:0} %).");
            return string.Create(CultureInfo.InvariantCulture, $"{HeldOutWithin} of {judgeable} judgeable held-out rows within ±{Tolerance:0} %{share}; {spread}");
        }
    }

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Testbed prediction on {Machine.Description}\n\n");
        sb.Append("Fitted, one number per mechanism, each pinned by one row:\n\n");
        for (int p = 0; p < Fit.Parameters.Count; p++)
        {
            var parameter = Fit.Parameters[p];
            var mechanism = Mechanisms.FirstOrDefault(m => m.FitKey == parameter.Name || parameter.Name.StartsWith(m.FitKey + ":", StringComparison.Ordinal));
            string pinned = mechanism is null ? "" : $" ({mechanism.Mechanism}, pinned by {mechanism.RowId})";
            sb.Append(CultureInfo.InvariantCulture, $"- {parameter.Name}: {parameter.Text(Fit.Start[p])} -> {parameter.Text(Fit.Fitted[p])}{pinned}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"\n{Summary}\n\n");
        sb.Append("| row | setup | metric | measured (median) | runs: min..max (spread) | simulated (base) | simulated (fitted) | error | role |\n");
        sb.Append("|---|---|---|---:|---|---:|---:|---:|---|\n");
        for (int i = 0; i < Rows.Count; i++)
        {
            var r = Rows[i];
            double e = ErrorPercent(i);
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Id} | {r.Setup} | {r.Metric} ({r.Unit}) | {ReferenceCheck.Number(r.Published)} | {Spreads[i].Text} | ");
            sb.Append(CultureInfo.InvariantCulture, $"{ReferenceCheck.Number(Fit.Before[i])} | {ReferenceCheck.Number(Fit.After[i])} | ");
            sb.Append(double.IsNaN(e) ? "n/a" : e.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %").Append(" | ").Append(Role(i)).Append(" |\n");
        }
        return sb.ToString();
    }

    private string Role(int i)
    {
        if (Rows[i].Fit) return "fitted";
        if (!Spreads[i].Judgeable(Tolerance)) return "held out: not judgeable (spread)";
        return Math.Abs(ErrorPercent(i)) <= Tolerance ? "held out: within" : "held out: OUTSIDE";
    }
}
