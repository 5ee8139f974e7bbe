using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// netperf TCP_CRR as a state machine per slot: Connecting → Requesting → (response read) → next connection, with
/// <c>Concurrency</c> slots. A transaction's latency runs from connect() to the response fully read, so it includes
/// the handshake; connect() to established is recorded separately. A failed connect() (no free port) is counted
/// and retried 1 ms later.
/// </summary>
public sealed class ConnectRequestResponseClient : IEventTarget, ITransactionObserver, ITransactionConnectionOwner
{
    private const int StartEvent = 1, StopEvent = 2, RetryEvent = 3;
    private static readonly SimTime RetryDelay = SimTime.FromMilliseconds(1);
    private readonly TrafficEndpoint _endpoint;
    /// <summary>
    /// The core of netperf's one thread: placed when it starts, then wherever the scheduler moved it while it served
    /// a connection (its socket's core), so the next connect() runs there and the thread exits from there.
    /// </summary>
    private int _core;
    private readonly TransactionDirectory _directory;
    private readonly ConnectRequestResponseOptions _options;
    private readonly Simulator _sim;
    private long _started;
    private bool _running;
    private int _open;

    public ConnectRequestResponseClient(TrafficEndpoint client, TransactionDirectory directory, ConnectRequestResponseOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        options.Validate();
        _endpoint = client;
        _directory = directory;
        _options = options;
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, "tcp_crr", flows.NewRecorder(), flows.NewRecorder());
    }

    public ApplicationMetrics Metrics { get; }
    public bool IsDone => !_running && _open == 0 && Metrics.StartPs >= 0;

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
                for (int i = 0; i < _options.Concurrency; i++) OpenNext(i);
                break;
            case StopEvent:
                Stop();
                break;
            default:
                if (_running) OpenNext((int)(ev.Arg - RetryEvent * 1_000_000));
                break;
        }
    }

    void ITransactionConnectionOwner.OnConnected(TransactionClientConnection connection) =>
        Metrics.ConnectLatency.RecordPicoseconds(connection.Socket.Flow.ConnectionSetupPs);

    void ITransactionObserver.OnTransactionComplete(in Transaction transaction, long nowPs)
    {
        Metrics.Transactions++;
        Metrics.BytesSent += transaction.RequestBytes;
        Metrics.BytesReceived += transaction.ResponseBytes;
        Metrics.TransactionLatency.RecordPicoseconds(nowPs - transaction.StartPs);
    }

    void ITransactionConnectionOwner.OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason)
    {
        _core = connection.Socket.Core; // wake-affine moved the thread with the connection's wakeups
        _open--;
        if (_running) OpenNext(connection.Slot);
    }

    private void OpenNext(int slot)
    {
        if (_options.Transactions is { } n && _started >= n)
        {
            Stop();
            return;
        }
        TransactionClientConnection? c = TransactionClientConnection.Open(_endpoint, _options.Server, _options.Port, _directory, this, _options.Tcp, slot, _core, out _);
        if (c is null)
        {
            Metrics.ConnectFailures++;
            _sim.Schedule(RetryDelay, this, TransportEventKinds.ApplicationTimer, RetryEvent * 1_000_000 + slot);
            return;
        }
        _started++;
        _open++;
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(c.Socket.Flow.Id);
        long request = Samplers.Bytes(_options.RequestBytes, 1);
        long response = Samplers.Bytes(_options.ResponseBytes, 1);
        c.CloseWhenAnswered = _options.ClientClosesFirst;
        c.Begin(request, response, serverCloses: !_options.ClientClosesFirst, this);
    }

    private void Stop()
    {
        if (!_running) return;
        _running = false;
        Metrics.EndPs = _sim.NowPicoseconds;
        _endpoint.EndThread(_core);
    }
}
