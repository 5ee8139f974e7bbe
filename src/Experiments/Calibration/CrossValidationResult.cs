using System.Globalization;
using System.Text;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// The table <c>netsim check-reference --cross-validate</c> prints: per source, the error in sample and held out;
/// per held-out row, the published figure and both predictions; per fitted number, its value in every fold (a number
/// that swings from fold to fold is poorly pinned down by the sources).
/// </summary>
public sealed record CrossValidationResult(
    string BaseProfile,
    IReadOnlyList<FitParameter> Parameters,
    FitResult AllSources,
    IReadOnlyList<CrossValidationFold> Folds)
{
    public bool AllHold => Folds.All(f => f.Holds);

    /// <summary>Mean of the sources' held-out mean errors: the figure a candidate fit (its --fit list) is chosen by.</summary>
    public double HeldOutMeanPercent => Folds.Where(f => f.Fit is not null).Select(f => f.HeldOutMeanPercent).DefaultIfEmpty(double.NaN).Average();

    public string Summary =>
        $"{Folds.Count(f => f.Holds)} of {Folds.Count} sources predicted within {CrossValidation.LimitPercent:0} % (mean |error|) when left out " +
        $"of the fit; mean held-out error {Percent(HeldOutMeanPercent)}";

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Base profile `{BaseProfile}`, fitting {string.Join(", ", Parameters.Select(p => $"`{p.Name}`"))}; {Summary}.\n\n");
        sb.Append("| held-out source | rows | fitted to | mean error in sample | mean error held out | worst held-out row | within tolerance | result |\n");
        sb.Append("|---|---:|---:|---:|---:|---|---:|---|\n");
        foreach (var f in Folds)
            sb.Append(CultureInfo.InvariantCulture,
                $"| {f.Source} | {f.HeldOut.Count + (f.Fit is null ? f.InSample.Count : 0)} | {f.TrainingRows} | {Percent(f.InSampleMeanPercent)} | {Percent(f.HeldOutMeanPercent)} | {WorstText(f)} | {f.WithinTolerance} of {f.HeldOut.Count} | {Verdict(f)} |\n");
        sb.Append("\n| row | published | in sample | held out | error held out |\n|---|---:|---:|---:|---:|\n");
        foreach (var f in Folds)
            for (int i = 0; i < f.HeldOut.Count; i++)
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {f.HeldOut[i].Row.Id} | {ReferenceCheck.Number(f.HeldOut[i].Row.Published)} | {ReferenceCheck.Number(f.InSample[i].Simulated)} | {ReferenceCheck.Number(f.HeldOut[i].Simulated)} | {ReferenceCheck.Error(f.HeldOut[i])} |\n");
        sb.Append("\n| fitted number | start | all sources |");
        foreach (var f in Folds) sb.Append(CultureInfo.InvariantCulture, $" without {f.Source} |");
        sb.Append("\n|---|---:|---:|").Append(string.Concat(Folds.Select(_ => "---:|"))).Append('\n');
        for (int p = 0; p < Parameters.Count; p++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {Parameters[p].Name} | {Value(AllSources.Start[p])} | {Value(AllSources.Fitted[p])} |");
            foreach (var f in Folds) sb.Append(' ').Append(f.Fit is null ? "n/a" : Value(f.Fit.Fitted[p])).Append(" |");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string WorstText(CrossValidationFold f) =>
        f.Worst is { } w ? $"{w.Row.Id} {ReferenceCheck.Error(w)}" : "n/a";

    public static string Verdict(CrossValidationFold f) =>
        f.Fit is null ? "not predicted (no other source to fit)" : f.Holds ? "pass" : "FAIL";

    public static string Percent(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>A fitted value in ns, four significant digits.</summary>
    public static string Value(double ns) => ns.ToString("G4", CultureInfo.InvariantCulture);
}
