using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// netperf TCP_RR as a state machine: Idle → Connecting → Running (keeps <c>InFlight</c> transactions outstanding;
/// each completion starts the next) → Draining (time or count reached; waits for the outstanding ones) → Done
/// (closes). Measures transactions per second and the latency of each transaction.
/// </summary>
public sealed class RequestResponseClient : IEventTarget, ITransactionObserver, ITransactionConnectionOwner
{
    private const int StartEvent = 1, StopEvent = 2;
    private readonly TrafficEndpoint _endpoint;
    private readonly TransactionDirectory _directory;
    private readonly RequestResponseOptions _options;
    private readonly Simulator _sim;
    private TransactionClientConnection? _connection;
    /// <summary>The core of netperf's one thread (placed when it starts).</summary>
    private int _core = -1;
    private long _started;
    private Phase _phase;

    private enum Phase { Idle, Connecting, Running, Draining, Done }

    public RequestResponseClient(TrafficEndpoint client, TransactionDirectory directory, RequestResponseOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        options.Validate();
        _endpoint = client;
        _directory = directory;
        _options = options;
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, "tcp_rr", flows.NewRecorder(), flows.NewRecorder());
    }

    public ApplicationMetrics Metrics { get; }
    public bool IsDone => _phase == Phase.Done;

    /// <summary>Schedules the start at <see cref="RequestResponseOptions.StartAt"/>.</summary>
    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg == StartEvent) Connect();
        else if (ev.Arg == StopEvent && _phase == Phase.Running) Drain();
    }

    private void Connect()
    {
        _phase = Phase.Connecting;
        _core = _endpoint.StartThread();
        _connection = TransactionClientConnection.Open(_endpoint, _options.Server, _options.Port, _directory, this, _options.Tcp, 0, _core, out _);
        if (_connection is null)
        {
            Metrics.ConnectFailures++;
            _phase = Phase.Done;
            _endpoint.EndThread(_core);
            return;
        }
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(_connection.Socket.Flow.Id);
    }

    void ITransactionConnectionOwner.OnConnected(TransactionClientConnection connection)
    {
        long now = _sim.NowPicoseconds;
        Metrics.ConnectLatency.RecordPicoseconds(connection.Socket.Flow.ConnectionSetupPs);
        Metrics.StartPs = now;
        _phase = Phase.Running;
        if (_options.Duration is { } d) _sim.ScheduleAtPicoseconds(now + d.Picoseconds, this, TransportEventKinds.ApplicationTimer, StopEvent);
        for (int i = 0; i < _options.InFlight && MayStartAnother(); i++) BeginTransaction();
    }

    void ITransactionObserver.OnTransactionComplete(in Transaction transaction, long nowPs)
    {
        Metrics.Transactions++;
        Metrics.BytesSent += transaction.RequestBytes;
        Metrics.BytesReceived += transaction.ResponseBytes;
        Metrics.TransactionLatency.RecordPicoseconds(nowPs - transaction.StartPs);
        if (_phase == Phase.Running && MayStartAnother()) BeginTransaction();
        else if (_phase == Phase.Running) Drain();
        if (_phase == Phase.Draining && _connection!.AwaitingResponses == 0) Finish();
    }

    void ITransactionConnectionOwner.OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason)
    {
        if (_phase != Phase.Done) Finish();
    }

    private bool MayStartAnother() => _options.Transactions is not { } n || _started < n;

    private void BeginTransaction()
    {
        _started++;
        long request = Samplers.Bytes(_options.RequestBytes, 1);
        long response = Samplers.Bytes(_options.ResponseBytes, 1);
        _connection!.Begin(request, response, serverCloses: false, this);
    }

    private void Drain()
    {
        _phase = Phase.Draining;
        Metrics.EndPs = _sim.NowPicoseconds;
        if (_connection!.AwaitingResponses == 0) Finish();
    }

    private void Finish()
    {
        if (Metrics.EndPs < 0) Metrics.EndPs = _sim.NowPicoseconds;
        _phase = Phase.Done;
        _connection?.Close();
        _endpoint.EndThread(_connection?.Socket.Core ?? _core); // where the scheduler moved the thread, not where it started
    }
}
