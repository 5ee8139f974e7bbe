using BenchmarkDotNet.Attributes;
using NetSim.Engine.Core;
using NetSim.Engine.Randomness;

namespace NetSim.Bench.Engine;

/// <summary>
/// The classic hold model on the NetSim scheduler: <see cref="Pending"/> events in the future event set; each
/// event, when it runs, schedules one successor at now + Exp(100 ns), drawn with the
/// <see cref="ExponentialZiggurat"/>. One operation = one event.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn] // on a shared machine the minimum is the least disturbed estimate
public class HoldModelBenchmark
{
    public const int EventsPerInvoke = 1_000_000;
    public const long MeanDelayPicoseconds = 100_000; // 100 ns, as in ns-3's scheduler benchmark

    private Simulator _sim = null!;
    private HoldTarget _target = null!;

    [Params(1_000, 100_000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sim = new Simulator(Pending);
        _target = new HoldTarget(_sim, new RandomStream(1), MeanDelayPicoseconds);
        for (int i = 0; i < Pending; i++) _target.ScheduleNext();
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long Hold()
    {
        _target.Remaining = EventsPerInvoke;
        _sim.Run();
        return _sim.EventsProcessed;
    }

    /// <summary>Reschedules itself once per event and stops the run after <see cref="Remaining"/> events.</summary>
    private sealed class HoldTarget(Simulator sim, RandomStream rng, long meanPicoseconds) : IEventTarget
    {
        private readonly double _mean = meanPicoseconds;

        public long Remaining { get; set; }

        public void ScheduleNext() =>
            sim.Schedule(new SimTime((long)(ExponentialZiggurat.Sample(rng) * _mean) + 1), this, kind: 0);

        public void OnEvent(in SimEvent ev)
        {
            ScheduleNext();
            if (--Remaining == 0) sim.Stop();
        }
    }
}
