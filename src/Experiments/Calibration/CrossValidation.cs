using NetSim.Engine.Costs;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// Leave-one-source-out cross-validation of a calibration: for every source (a publication, named by the first part
/// of its rows' ids: "cilium", "slim", "kp", "ib24"), fit the profile to the fit=yes rows of all the other sources,
/// starting from the same unfitted base, and predict the held-out source's checked rows with it. A profile is judged
/// on the sources it was not fitted to: the held-out error is what a user should expect on a new testbed.
/// </summary>
public static class CrossValidation
{
    /// <summary>The error a held-out source's mean must stay within (the bar for a prediction that holds).</summary>
    public const double LimitPercent = 20;

    /// <summary>The source a row comes from: its id up to the first dot.</summary>
    public static string SourceOf(ReferenceRow row)
    {
        int dot = row.Id.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? row.Id : row.Id[..dot];
    }

    /// <summary>The sources with at least one checked row, in the order they first appear.</summary>
    public static IReadOnlyList<string> Sources(IReadOnlyList<ReferenceRow> rows) =>
        rows.Where(r => r.IsChecked).Select(SourceOf).Distinct(StringComparer.Ordinal).ToList();

    public static CrossValidationResult Run(ReferenceEvaluator evaluator, CostProfile unfitted, IReadOnlyList<FitParameter> parameters,
        int maxIterations, Action<string>? log = null)
    {
        var rows = evaluator.Rows;
        log?.Invoke("fit to every source");
        var all = ProfileFit.Fit(evaluator, unfitted, parameters, maxIterations, r => r.Fit, log);
        var folds = new List<CrossValidationFold>();
        foreach (string source in Sources(rows))
        {
            bool Train(ReferenceRow r) => r.Fit && SourceOf(r) != source;
            int[] heldOut = Enumerable.Range(0, rows.Count).Where(i => SourceOf(rows[i]) == source && rows[i].IsChecked).ToArray();
            var inSample = heldOut.Select(i => new ReferenceResult(rows[i], all.After[i])).ToList();
            if (!rows.Any(Train))
            {
                folds.Add(new CrossValidationFold(source, 0, inSample, [], null));
                continue;
            }
            log?.Invoke($"fit without {source}");
            var fit = ProfileFit.Fit(evaluator, unfitted, parameters, maxIterations, Train, log);
            var predicted = heldOut.Select(i => new ReferenceResult(rows[i], fit.After[i])).ToList();
            folds.Add(new CrossValidationFold(source, rows.Count(Train), inSample, predicted, fit));
        }
        return new CrossValidationResult(unfitted.Name, parameters, all, folds);
    }
}
