using BenchmarkDotNet.Attributes;
using NetSim.Engine.Randomness;

namespace NetSim.Bench.Engine;

/// <summary>
/// The same hold model as <see cref="HoldModelBenchmark"/> as a bare loop over .NET's
/// <see cref="PriorityQueue{TElement, TPriority}"/> (a 4-ary heap) keyed by (time, seq): the same draws, the
/// same exact tie-break, no dispatch, no fingerprint. A lower bound for what a general scheduler can cost.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn] // on a shared machine the minimum is the least disturbed estimate
public class PriorityQueueHoldBenchmark
{
    private PriorityQueue<int, EventKey> _queue = null!;
    private RandomStream _rng = null!;
    private double _mean;
    private long _seq;

    [Params(1_000, 100_000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _queue = new PriorityQueue<int, EventKey>(Pending);
        _rng = new RandomStream(1);
        _mean = HoldModelBenchmark.MeanDelayPicoseconds;
        for (int i = 0; i < Pending; i++) _queue.Enqueue(0, new EventKey(NextDelay(), _seq++));
    }

    [Benchmark(OperationsPerInvoke = HoldModelBenchmark.EventsPerInvoke)]
    public long Hold()
    {
        var queue = _queue;
        long seq = _seq;
        long now = 0;
        for (int i = 0; i < HoldModelBenchmark.EventsPerInvoke; i++)
        {
            queue.TryDequeue(out int kind, out EventKey key);
            now = key.Time;
            queue.Enqueue(kind, new EventKey(now + NextDelay(), seq++));
        }
        _seq = seq;
        return now;
    }

    private long NextDelay() => (long)(ExponentialZiggurat.Sample(_rng) * _mean) + 1; // the engine benchmark's sampler

    /// <summary>(time, insertion order), compared as the NetSim scheduler compares events.</summary>
    private readonly record struct EventKey(long Time, long Seq) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            int c = Time.CompareTo(other.Time);
            return c != 0 ? c : Seq.CompareTo(other.Seq);
        }
    }
}
