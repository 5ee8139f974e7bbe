using BenchmarkDotNet.Attributes;
using NetSim.Engine.Core;
using NetSim.Engine.Randomness;

namespace NetSim.Bench.Engine;

/// <summary>
/// The hold model with skewed delays, as in a network simulation where most events are ns-µs ahead and some are
/// timers ms ahead: each successor is scheduled at now + Exp(100 ns) with probability 0.9 and now + Exp(10 ms)
/// otherwise (one more uniform draw per event than <see cref="HoldModelBenchmark"/>). In steady state almost
/// every pending event is a long one, while 90 % of the events processed are short. One operation = one event.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn] // on a shared machine the minimum is the least disturbed estimate
public class SkewedHoldBenchmark
{
    public const double LongFraction = 0.1;
    public const long LongMeanPicoseconds = 10_000_000_000; // 10 ms

    private Simulator _sim = null!;
    private SkewedTarget _target = null!;

    [Params(1_000, 100_000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sim = new Simulator(Pending);
        _target = new SkewedTarget(_sim, new RandomStream(1));
        for (int i = 0; i < Pending; i++) _target.ScheduleNext();
    }

    [Benchmark(OperationsPerInvoke = HoldModelBenchmark.EventsPerInvoke)]
    public long Hold()
    {
        _target.Remaining = HoldModelBenchmark.EventsPerInvoke;
        _sim.Run();
        return _sim.EventsProcessed;
    }

    /// <summary>Reschedules itself once per event and stops the run after <see cref="Remaining"/> events.</summary>
    private sealed class SkewedTarget(Simulator sim, RandomStream rng) : IEventTarget
    {
        public long Remaining { get; set; }

        public void ScheduleNext()
        {
            double mean = rng.NextDouble() < LongFraction ? LongMeanPicoseconds : HoldModelBenchmark.MeanDelayPicoseconds;
            sim.Schedule(new SimTime((long)(ExponentialZiggurat.Sample(rng) * mean) + 1), this, kind: 0);
        }

        public void OnEvent(in SimEvent ev)
        {
            ScheduleNext();
            if (--Remaining == 0) sim.Stop();
        }
    }
}
