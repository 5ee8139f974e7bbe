using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Topologies.Build;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// Samples every traffic group's completed transactions and received bytes at fixed steps through the run, so a run
/// with events shows what its traffic did around each one (timeline.csv and the timeline chart). One event per step,
/// reading counters only: nothing per packet, nothing allocated between steps but the sample rows.
/// </summary>
public sealed class ThroughputSampler : IEventTarget
{
    /// <summary>Samples per run: 100 steps show a change at 1 % of the run.</summary>
    public const int Steps = 100;

    private readonly Simulator _sim;
    private readonly List<TrafficApp> _apps;
    private readonly long _stepPs;
    private readonly long[] _transactions;
    private readonly long[] _bytes;

    public ThroughputSampler(Simulator sim, List<TrafficApp> apps, SimTime duration)
    {
        _sim = sim;
        _apps = apps;
        _stepPs = Math.Max(1, duration.Picoseconds / Steps);
        _transactions = new long[apps.Count];
        _bytes = new long[apps.Count];
    }

    public List<ThroughputSample> Samples { get; } = new();

    public void Start() => _sim.ScheduleAtPicoseconds(_stepPs, this, EventKinds.ControlPlane);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        long now = _sim.NowPicoseconds;
        double seconds = _stepPs / 1e12;
        for (int i = 0; i < _apps.Count; i++)
        {
            var m = _apps[i].Metrics;
            Samples.Add(new ThroughputSample(_apps[i].Spec.Name, now - _stepPs, now, (m.Transactions - _transactions[i]) / seconds,
                (m.BytesReceived - _bytes[i]) * 8 / seconds));
            _transactions[i] = m.Transactions;
            _bytes[i] = m.BytesReceived;
        }
        _sim.ScheduleAtPicoseconds(now + _stepPs, this, EventKinds.ControlPlane);
    }
}
