using BenchmarkDotNet.Attributes;
using NetSim.Engine.Core;
using NetSim.Engine.Randomness;

namespace NetSim.Bench.Engine;

/// <summary>
/// An M/M/1 queue at utilisation 0.9 on the NetSim scheduler (two events per customer: arrival, departure).
/// One operation = one customer served. The queue keeps running across invocations, so it is in steady state.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn] // on a shared machine the minimum is the least disturbed estimate
public class MM1QueueBenchmark
{
    public const int CustomersPerInvoke = 1_000_000;

    private Simulator _sim = null!;
    private MM1Server _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sim = new Simulator();
        var streams = new RandomStreams(1);
        _server = new MM1Server(_sim, streams.Get("arrivals"), streams.Get("service"), rho: 0.9, meanServicePicoseconds: 1_000_000);
    }

    [Benchmark(OperationsPerInvoke = CustomersPerInvoke)]
    public double MM1()
    {
        _server.Remaining = CustomersPerInvoke;
        _sim.Run();
        return _server.WaitSum;
    }

    /// <summary>FIFO single server; stops the run after <see cref="Remaining"/> departures.</summary>
    private sealed class MM1Server : IEventTarget
    {
        private const int Arrival = 0;
        private const int Departure = 1;
        private readonly Simulator _sim;
        private readonly RandomStream _arrivals;
        private readonly RandomStream _service;
        private readonly double _meanGap;
        private readonly double _meanService;
        private readonly Queue<long> _waiting = new(1024);
        private bool _busy;

        public MM1Server(Simulator sim, RandomStream arrivals, RandomStream service, double rho, long meanServicePicoseconds)
        {
            _sim = sim;
            _arrivals = arrivals;
            _service = service;
            _meanService = meanServicePicoseconds;
            _meanGap = meanServicePicoseconds / rho;
            _sim.Schedule(Draw(_arrivals, _meanGap), this, Arrival);
        }

        public long Remaining { get; set; }
        public double WaitSum { get; private set; }

        public void OnEvent(in SimEvent ev)
        {
            if (ev.Kind == Arrival)
            {
                _sim.Schedule(Draw(_arrivals, _meanGap), this, Arrival);
                if (_busy) _waiting.Enqueue(_sim.NowPicoseconds);
                else StartService(_sim.NowPicoseconds);
                return;
            }
            if (--Remaining == 0) _sim.Stop();
            if (_waiting.Count > 0) StartService(_waiting.Dequeue());
            else _busy = false;
        }

        private void StartService(long arrivedAt)
        {
            WaitSum += _sim.NowPicoseconds - arrivedAt;
            _busy = true;
            _sim.Schedule(Draw(_service, _meanService), this, Departure);
        }

        private static SimTime Draw(RandomStream rng, double mean) => new((long)((ExponentialZiggurat.Sample(rng) * mean) + 0.5));
    }
}
