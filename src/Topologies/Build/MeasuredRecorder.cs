using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Build;

/// <summary>
/// A latency recorder for the run's flows and applications, ignoring samples taken before the end of the warm-up.
/// It keeps a <see cref="LogLinearHistogram"/> (within 0.8%, exact min/max; rows allocated on demand): every flow
/// has one, and the engine's HdrHistogram-backed LatencyHistogram takes about 340 KB per instance, too much for
/// thousands of TCP_CRR connections.
/// </summary>
public sealed class MeasuredRecorder : ILatencyRecorder
{
    private readonly Simulator _sim;
    private readonly long _fromPs;
    private readonly LogLinearHistogram _histogram = new();

    public MeasuredRecorder(Simulator sim, long fromPs)
    {
        _sim = sim;
        _fromPs = fromPs;
    }

    public long Count => _histogram.Count;
    public long MinPicoseconds => _histogram.MinPicoseconds;
    public long MaxPicoseconds => _histogram.MaxPicoseconds;
    public double MeanPicoseconds => _histogram.MeanPicoseconds;

    /// <summary>Sees every recorded sample in order (a trace keeps the latency of the exchange it shows).</summary>
    public Action<long>? Observer { get; set; }

    public void RecordPicoseconds(long latencyPs)
    {
        if (_sim.NowPicoseconds < _fromPs) return;
        _histogram.RecordPicoseconds(latencyPs);
        Observer?.Invoke(latencyPs);
    }

    public long PercentilePicoseconds(double percentile) => _histogram.PercentilePicoseconds(percentile);
}
