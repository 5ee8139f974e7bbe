namespace NetSim.Reporting.Records;

/// <summary>
/// A latency distribution of one traffic group (latency.csv): per transaction, per packet one way, or connection
/// setup. Microseconds; percentiles from a histogram with 0.1% relative error, min and max exact.
/// </summary>
public sealed record LatencyRow(
    string Datapath,
    string Group,
    string Metric,
    long Count,
    double MeanUs,
    double MinUs,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double MaxUs);
