using NetSim.Engine.Core;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// Felix's dataplane loop applies a change at once while its leaky bucket holds a token: each apply takes one, the
/// bucket holds <see cref="Bucket"/>, and a ticker puts one back every interval (100 ms with 10 ms of jitter, left out
/// here); a change that finds the bucket empty waits for the next tick. Felix has run long before the scenario starts,
/// so the bucket starts full. The calculation graph in front of it flushes at once on the same terms (a bucket of 10,
/// a token every 10 ms), so a lone change passes both without waiting. Source: projectcalico/calico
/// felix/dataplane/linux/int_dataplane.go (loopUpdatingDataplane), felix/throttle/throttle.go, felix/calc/async_calc_graph.go.
/// </summary>
public sealed class FelixApplyThrottle(SimTime interval)
{
    /// <summary>The bucket's size: throttle.New(10) in int_dataplane.go, a constant of Felix's code (no configuration parameter sets it).</summary>
    public const int Bucket = 10;

    private int _tokens = Bucket;
    private long _ticks; // the ticks already counted; tick k comes at k × interval

    /// <summary>When an apply wanted at <paramref name="now"/> may start (now, or the next tick), its token taken.</summary>
    public SimTime Admit(SimTime now)
    {
        long step = interval.Picoseconds;
        if (step <= 0) return now;
        long elapsed = now.Picoseconds / step;
        if (elapsed > _ticks)
        {
            _tokens = (int)Math.Min(Bucket, _tokens + (elapsed - _ticks));
            _ticks = elapsed;
        }
        if (_tokens > 0)
        {
            _tokens--;
            return now;
        }
        _ticks++; // the next tick's token goes to this apply
        return SimTime.FromPicoseconds(_ticks * step);
    }
}
