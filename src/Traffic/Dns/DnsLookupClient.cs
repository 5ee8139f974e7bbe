using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;

namespace NetSim.Traffic.Dns;

/// <summary>
/// A program that resolves one name over and over (getaddrinfo() in a loop, as `getent ahosts` would), one lookup
/// every <see cref="DnsLookupOptions.Interval"/> or right after the previous one returns, whichever is later: each
/// lookup is a transaction, its latency the lookup's; failed lookups count as lost.
/// </summary>
public sealed class DnsLookupClient : IEventTarget, IDnsLookupObserver
{
    private const int StartEvent = 1, StopEvent = 2, NextEvent = 3;
    private readonly TrafficEndpoint _endpoint;
    private readonly StubResolver _resolver;
    private readonly DnsLookupOptions _options;
    private readonly int[] _plan;
    private readonly Simulator _sim;
    private int _core;
    private bool _running;
    private long _started;
    private long _lastStartPs;

    public DnsLookupClient(TrafficEndpoint client, StubResolver resolver, DnsLookupOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        _endpoint = client;
        _resolver = resolver;
        _options = options;
        _plan = resolver.Plan(options.Name);
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Group, "dns", flows.NewRecorder(), flows.NewRecorder()) { DnsLatency = flows.NewRecorder() };
    }

    public ApplicationMetrics Metrics { get; }

    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        switch (ev.Arg)
        {
            case StartEvent:
                _running = true;
                _core = _endpoint.StartThread();
                Metrics.StartPs = _sim.NowPicoseconds;
                if (_options.Duration is { } d) _sim.Schedule(d, this, TransportEventKinds.ApplicationTimer, StopEvent);
                Next();
                break;
            case StopEvent:
                Stop();
                break;
            default:
                if (_running && !_resolver.Busy) Next();
                break;
        }
    }

    private void Next()
    {
        if (_options.Count is { } n && _started >= n)
        {
            Stop();
            return;
        }
        _started++;
        _lastStartPs = _sim.NowPicoseconds;
        _resolver.Lookup(_plan, _core, this);
    }

    void IDnsLookupObserver.OnLookupComplete(StubResolver resolver, Ipv4Address? address, long startPs, long nowPs)
    {
        Metrics.DnsTimeouts = resolver.Metrics.Timeouts;
        if (!resolver.LastConnectFailed) Metrics.DnsLatency!.RecordPicoseconds(nowPs - startPs); // no lookup took place
        if (address is null) Metrics.Lost++;
        else
        {
            Metrics.Transactions++;
            Metrics.TransactionLatency.RecordPicoseconds(nowPs - startPs);
        }
        if (!_running) return;
        long next = Math.Max(nowPs, _lastStartPs + _options.Interval.Picoseconds);
        _sim.ScheduleAtPicoseconds(next, this, TransportEventKinds.ApplicationTimer, NextEvent);
    }

    private void Stop()
    {
        if (!_running) return;
        _running = false;
        Metrics.EndPs = _sim.NowPicoseconds;
        _endpoint.EndThread(_core);
    }
}

/// <summary>What a <see cref="DnsLookupClient"/> resolves, how often, and for how long.</summary>
public sealed record DnsLookupOptions(string Group, string Name, SimTime Interval, SimTime StartAt, SimTime? Duration, long? Count);
