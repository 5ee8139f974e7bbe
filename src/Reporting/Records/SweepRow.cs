namespace NetSim.Reporting.Records;

/// <summary>
/// One metric at one sweep point (sweep.csv): the parameter values, the mean over replications and its Student-t
/// 95% confidence half-width.
/// </summary>
public sealed record SweepRow(
    int Point,
    string Parameters,
    string Group,
    string Metric,
    int Replications,
    double Mean,
    double CiHalfWidth);
