namespace NetSim.Traffic.Metrics;

/// <summary>A latency distribution as plain numbers (picoseconds), for result tables.</summary>
public sealed record LatencySummary(long Count, long MinPs, double MeanPs, long P50Ps, long P90Ps, long P99Ps, long P999Ps, long MaxPs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary From(ILatencyRecorder? recorder)
    {
        if (recorder is null || recorder.Count == 0) return Empty;
        return new LatencySummary(recorder.Count, recorder.MinPicoseconds, recorder.MeanPicoseconds,
            recorder.PercentilePicoseconds(50), recorder.PercentilePicoseconds(90), recorder.PercentilePicoseconds(99),
            recorder.PercentilePicoseconds(99.9), recorder.MaxPicoseconds);
    }
}
