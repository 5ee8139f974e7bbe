using NetSim.Engine.Core;
using NetSim.Engine.Statistics;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Build;

/// <summary>
/// A latency recorder for the run's applications: the engine's HdrHistogram-backed <see cref="LatencyHistogram"/>
/// (0.1% relative error, exact min/max), ignoring samples taken before the end of the warm-up.
/// </summary>
public sealed class MeasuredRecorder : ILatencyRecorder
{
    private readonly Simulator _sim;
    private readonly long _fromPs;
    private readonly LatencyHistogram _histogram = new();

    public MeasuredRecorder(Simulator sim, long fromPs)
    {
        _sim = sim;
        _fromPs = fromPs;
    }

    public long Count => _histogram.Count;
    public long MinPicoseconds => _histogram.Min.Picoseconds;
    public long MaxPicoseconds => _histogram.Max.Picoseconds;
    public double MeanPicoseconds => _histogram.Count == 0 ? 0 : _histogram.MeanPicoseconds;

    public void RecordPicoseconds(long latencyPs)
    {
        if (_sim.NowPicoseconds >= _fromPs) _histogram.RecordPicoseconds(latencyPs);
    }

    public long PercentilePicoseconds(double percentile) => _histogram.Count == 0 ? 0 : _histogram.Percentile(percentile).Picoseconds;
}
