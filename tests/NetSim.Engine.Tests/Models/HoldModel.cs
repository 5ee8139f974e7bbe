using NetSim.Engine.Core;
using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests.Models;

/// <summary>
/// The classic hold model: a fixed population of pending events, each of which schedules one successor at
/// now + Exp(mean). The event kind is drawn too, so the fingerprint depends on the random numbers.
/// </summary>
internal sealed class HoldModel : IEventTarget
{
    private readonly Simulator _sim;
    private readonly RandomStream _rng;
    private readonly double _mean; // picoseconds

    public HoldModel(Simulator sim, RandomStream rng, int population, long meanPicoseconds)
    {
        _sim = sim;
        _rng = rng;
        _mean = meanPicoseconds;
        for (int i = 0; i < population; i++) _sim.Schedule(NextDelay(), this, NextKind());
    }

    public long DelaySum { get; private set; }

    public void OnEvent(in SimEvent ev) => _sim.Schedule(NextDelay(), this, NextKind());

    private SimTime NextDelay()
    {
        long d = (long)(ExponentialZiggurat.Sample(_rng) * _mean) + 1; // at least 1 ps, so no event lands in the same-time lane
        DelaySum += d;
        return new SimTime(d);
    }

    private int NextKind() => _rng.Next(8);
}
