namespace NetSim.Reporting.Records;

/// <summary>
/// One metric of one datapath against the baseline (compare.csv): the value and its relative change
/// (+0.85 = 85% more than the baseline).
/// </summary>
public sealed record ComparisonRow(
    string Group,
    string Metric,
    string Unit,
    string Datapath,
    string Baseline,
    double Value,
    double BaselineValue,
    double RelativeChange);
