namespace NetSim.Traffic.Metrics;

/// <summary>
/// Where latencies (picoseconds) are recorded. The seam for the engine's shared LatencyHistogram: until it is
/// merged, <see cref="LogLinearHistogram"/> implements this; swapping means one adapter class and the factory
/// passed to <see cref="FlowTable"/>.
/// </summary>
public interface ILatencyRecorder
{
    long Count { get; }
    void RecordPicoseconds(long latencyPs);
    /// <summary>The <paramref name="percentile"/>-th percentile (0..100) in picoseconds; 0 when empty.</summary>
    long PercentilePicoseconds(double percentile);
    long MinPicoseconds { get; }
    long MaxPicoseconds { get; }
    double MeanPicoseconds { get; }
}
