namespace NetSim.Experiments.Calibration;

/// <summary>
/// One published figure and how to reproduce it: the reference scenario (a path relative to the measurements
/// file), the datapath, extra <c>--set</c> overrides, the metric to read from the run, the published value and
/// unit, the tolerance it must meet (null: reported for information only), whether <c>netsim calibrate</c> fits
/// to it, and where the figure comes from.
/// </summary>
public sealed record ReferenceRow(
    string Id,
    string Setup,
    string Scenario,
    string Datapath,
    IReadOnlyList<string> Sets,
    ReferenceMetric Metric,
    double Published,
    string Unit,
    double? TolerancePercent,
    bool Fit,
    string Source,
    int Line)
{
    /// <summary>The run this row reads from: rows with the same scenario, datapath and overrides share one run (first-packet rows one with a probe).</summary>
    public ReferenceSetupKey SetupKey => new(Scenario, Datapath, string.Join(";", Sets), Metric.NeedsTrace);

    /// <summary>True when the row has a tolerance (it passes or fails, and the fit uses it).</summary>
    public bool IsChecked => TolerancePercent is not null;
}

/// <summary>Identifies one simulation shared by rows: scenario path, datapath, overrides, and whether first packets are traced.</summary>
public readonly record struct ReferenceSetupKey(string Scenario, string Datapath, string Sets, bool FirstPackets);
