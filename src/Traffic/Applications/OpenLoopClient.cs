using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Open-loop request (or flow) arrivals: at each arrival time a new connection carries one transaction whose sizes
/// come from the samplers, and the next arrival is drawn at once, whatever the network does. Latency per
/// transaction is the request/flow completion time.
/// </summary>
public sealed class OpenLoopClient : IEventTarget, ITransactionObserver, ITransactionConnectionOwner
{
    private const int StartEvent = 1, ArrivalEvent = 2;
    private readonly TrafficEndpoint _endpoint;
    private readonly TransactionDirectory _directory;
    private readonly OpenLoopOptions _options;
    private readonly Simulator _sim;
    private long _endPs;
    private long _arrivals;
    /// <summary>The core of the client's one thread (placed when it starts).</summary>
    private int _core;

    public OpenLoopClient(TrafficEndpoint client, TransactionDirectory directory, OpenLoopOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        _endpoint = client;
        _directory = directory;
        _options = options;
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, "open_loop", flows.NewRecorder(), flows.NewRecorder());
    }

    public ApplicationMetrics Metrics { get; }
    public long Arrivals => _arrivals;
    /// <summary>Arrival times (ps), in order: what the sampler produced.</summary>
    public List<long> ArrivalTimes { get; } = new();

    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        long now = _sim.NowPicoseconds;
        if (ev.Arg == StartEvent)
        {
            Metrics.StartPs = now;
            _core = _endpoint.StartThread();
            _endPs = now + _options.Duration.Picoseconds;
            Metrics.EndPs = _endPs;
            ScheduleNext(now);
            return;
        }
        Arrive();
        ScheduleNext(now);
    }

    private void ScheduleNext(long now)
    {
        if (_options.MaxArrivals is { } max && _arrivals >= max) return;
        double gap = _options.InterArrivalSeconds();
        if (double.IsNaN(gap) || gap < 0) throw new InvalidOperationException($"{_options.Name}: inter-arrival sampler returned {gap}");
        long at = now + SimTime.FromSecondsApprox(gap).Picoseconds;
        if (at < _endPs) _sim.ScheduleAtPicoseconds(at, this, TransportEventKinds.ApplicationTimer, ArrivalEvent);
    }

    private void Arrive()
    {
        _arrivals++;
        ArrivalTimes.Add(_sim.NowPicoseconds);
        TransactionClientConnection? c = TransactionClientConnection.Open(_endpoint, _options.Server, _options.Port, _directory, this, _options.Tcp, 0, _core, out _);
        if (c is null)
        {
            Metrics.ConnectFailures++;
            return;
        }
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(c.Socket.Flow.Id);
        long request = Samplers.Bytes(_options.RequestBytes, 1);
        long response = Samplers.Bytes(_options.ResponseBytes, 0);
        c.Begin(request, response, serverCloses: true, this);
    }

    void ITransactionConnectionOwner.OnConnected(TransactionClientConnection connection) =>
        Metrics.ConnectLatency.RecordPicoseconds(connection.Socket.Flow.ConnectionSetupPs);

    void ITransactionConnectionOwner.OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason) { }

    void ITransactionObserver.OnTransactionComplete(in Transaction transaction, long nowPs)
    {
        Metrics.Transactions++;
        Metrics.BytesSent += transaction.RequestBytes;
        Metrics.BytesReceived += transaction.ResponseBytes;
        Metrics.TransactionLatency.RecordPicoseconds(nowPs - transaction.StartPs);
    }
}
