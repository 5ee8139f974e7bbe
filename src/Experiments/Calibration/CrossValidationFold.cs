namespace NetSim.Experiments.Calibration;

/// <summary>
/// One held-out source: its checked rows as the fit to every source reproduces them (in sample) and as the fit to the
/// other sources predicts them (held out), and that fit. <see cref="Fit"/> is null when no other source has rows to fit.
/// </summary>
public sealed record CrossValidationFold(
    string Source,
    int TrainingRows,
    IReadOnlyList<ReferenceResult> InSample,
    IReadOnlyList<ReferenceResult> HeldOut,
    FitResult? Fit)
{
    /// <summary>Mean |error| in percent of the held-out predictions (NaN when nothing could be predicted).</summary>
    public double HeldOutMeanPercent => MeanAbs(HeldOut);

    /// <summary>Mean |error| in percent of the same rows under the fit to every source.</summary>
    public double InSampleMeanPercent => MeanAbs(InSample);

    /// <summary>The held-out row predicted worst (null when none was predicted).</summary>
    public ReferenceResult? Worst => HeldOut.Where(r => !double.IsNaN(r.Simulated)).MaxBy(r => Math.Abs(r.ErrorPercent));

    /// <summary>Held-out rows within their own tolerance.</summary>
    public int WithinTolerance => HeldOut.Count(r => r.Passed == true);

    /// <summary>True when the source was predicted and its mean held-out error is within <see cref="CrossValidation.LimitPercent"/>.</summary>
    public bool Holds => Fit is not null && HeldOutMeanPercent <= CrossValidation.LimitPercent;

    private static double MeanAbs(IReadOnlyList<ReferenceResult> results)
    {
        var errors = results.Where(r => !double.IsNaN(r.Simulated)).Select(r => Math.Abs(r.ErrorPercent)).ToList();
        return errors.Count == 0 ? double.NaN : errors.Average();
    }
}
