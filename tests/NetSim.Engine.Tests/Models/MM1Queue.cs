using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Statistics;

namespace NetSim.Engine.Tests.Models;

/// <summary>
/// An M/M/1 FIFO queue on the simulator: Poisson arrivals, exponential service, one server. It measures the
/// mean wait in queue (arrival to start of service) and the server's busy fraction.
/// </summary>
internal sealed class MM1Queue : IEventTarget
{
    private const int Arrival = 1;
    private const int Departure = 2;

    private readonly Simulator _sim;
    private readonly RandomStream _arrivals;
    private readonly RandomStream _service;
    private readonly double _meanGap; // picoseconds between arrivals
    private readonly double _meanService; // picoseconds
    private readonly Queue<long> _waiting = new();
    private readonly long _customersToServe;
    private bool _busy;
    private double _waitSum;
    private long _started;

    public MM1Queue(Simulator sim, RandomStreams streams, double rho, long meanServicePicoseconds, long customersToServe)
    {
        _sim = sim;
        _arrivals = streams.Get("mm1/arrivals");
        _service = streams.Get("mm1/service");
        _meanService = meanServicePicoseconds;
        _meanGap = meanServicePicoseconds / rho;
        _customersToServe = customersToServe;
        Busy = new TimeWeightedAverage(sim.Now);
        _sim.Schedule(Draw(_arrivals, _meanGap), this, Arrival);
    }

    public long Served { get; private set; }
    public TimeWeightedAverage Busy { get; }
    public double MeanWaitPicoseconds => _waitSum / _started;

    public void OnEvent(in SimEvent ev)
    {
        if (ev.Kind == Arrival) OnArrival();
        else OnDeparture();
    }

    private void OnArrival()
    {
        _sim.Schedule(Draw(_arrivals, _meanGap), this, Arrival);
        if (_busy) _waiting.Enqueue(_sim.NowPicoseconds);
        else StartService(_sim.NowPicoseconds);
    }

    private void OnDeparture()
    {
        if (++Served == _customersToServe) _sim.Stop();
        if (_waiting.Count > 0) StartService(_waiting.Dequeue());
        else SetBusy(false);
    }

    private void StartService(long arrivedAt)
    {
        _waitSum += _sim.NowPicoseconds - arrivedAt;
        _started++;
        SetBusy(true);
        _sim.Schedule(Draw(_service, _meanService), this, Departure);
    }

    private void SetBusy(bool busy)
    {
        if (busy == _busy) return;
        _busy = busy;
        Busy.Update(_sim.Now, busy ? 1 : 0);
    }

    private static SimTime Draw(RandomStream rng, double mean) => new((long)((ExponentialZiggurat.Sample(rng) * mean) + 0.5));
}
