using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Dns;

/// <summary>
/// A request/response client that names its server: getaddrinfo() first (no per-process cache, as glibc has none),
/// then connect() to the first address and the transaction. With <c>reconnect</c> (TCP_CRR) every transaction
/// resolves and connects anew; without (TCP_RR) one lookup and one connection carry all transactions. A
/// transaction's latency runs from the lookup to the response read, so it is DNS + connect + transfer; each of the
/// three parts is recorded on its own. A lookup that fails counts as lost and the next one starts at once.
/// </summary>
public sealed class ResolvingClient : IEventTarget, IDnsLookupObserver, ITransactionObserver, ITransactionConnectionOwner
{
    private const int StartEvent = 1, StopEvent = 2;
    private readonly TrafficEndpoint _endpoint;
    private readonly TransactionDirectory _directory;
    private readonly ConnectRequestResponseOptions _options;
    private readonly StubResolver _resolver;
    private readonly int[] _plan;
    private readonly bool _reconnect;
    private readonly Simulator _sim;
    private TransactionClientConnection? _connection;
    private int _core;
    private bool _running;
    private long _started;
    private long _lookupStartPs;
    private long _connectedPs;

    public ResolvingClient(TrafficEndpoint client, TransactionDirectory directory, ConnectRequestResponseOptions options, FlowTable flows,
        StubResolver resolver, string name, bool reconnect)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(resolver);
        _endpoint = client;
        _directory = directory;
        _options = options;
        _resolver = resolver;
        _plan = resolver.Plan(name);
        _reconnect = reconnect;
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, reconnect ? "tcp_crr" : "tcp_rr", flows.NewRecorder(), flows.NewRecorder()) { DnsLatency = flows.NewRecorder(), TransferLatency = flows.NewRecorder() };
    }

    public ApplicationMetrics Metrics { get; }

    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg == StopEvent)
        {
            Stop();
            return;
        }
        _running = true;
        _core = _endpoint.StartThread();
        Metrics.StartPs = _sim.NowPicoseconds;
        if (_options.Duration is { } d) _sim.Schedule(d, this, TransportEventKinds.ApplicationTimer, StopEvent);
        Resolve();
    }

    private void Resolve()
    {
        if (!_running || _options.Transactions is { } n && _started >= n)
        {
            Stop();
            return;
        }
        _lookupStartPs = _sim.NowPicoseconds;
        _resolver.Lookup(_plan, _core, this);
    }

    void IDnsLookupObserver.OnLookupComplete(StubResolver resolver, Ipv4Address? address, long startPs, long nowPs)
    {
        Metrics.DnsTimeouts = resolver.Metrics.Timeouts;
        if (!resolver.LastConnectFailed) Metrics.DnsLatency!.RecordPicoseconds(nowPs - startPs); // no lookup took place
        if (address is not { } server)
        {
            Metrics.Lost++;
            if (resolver.LastConnectFailed)
            {
                Metrics.ConnectFailures++; // as for its own connect(): the client gives up
                Stop();
                return;
            }
            Resolve();
            return;
        }
        if (!_running) return;
        _connection = TransactionClientConnection.Open(_endpoint, server, _options.Port, _directory, this, _options.Tcp, 0, _core, out _);
        if (_connection is null)
        {
            Metrics.ConnectFailures++;
            Stop();
            return;
        }
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(_connection.Socket.Flow.Id);
        Next();
    }

    private void Next()
    {
        _started++;
        _connection!.CloseWhenAnswered = false;
        _connection.Begin(Samplers.Bytes(_options.RequestBytes, 1), Samplers.Bytes(_options.ResponseBytes, 1), serverCloses: _reconnect, this);
    }

    void ITransactionConnectionOwner.OnConnected(TransactionClientConnection connection)
    {
        _connectedPs = _sim.NowPicoseconds;
        Metrics.ConnectLatency.RecordPicoseconds(connection.Socket.Flow.ConnectionSetupPs);
    }

    void ITransactionObserver.OnTransactionComplete(in Transaction transaction, long nowPs)
    {
        Metrics.Transactions++;
        Metrics.BytesSent += transaction.RequestBytes;
        Metrics.BytesReceived += transaction.ResponseBytes;
        Metrics.TransactionLatency.RecordPicoseconds(nowPs - (_reconnect || Metrics.Transactions == 1 ? _lookupStartPs : transaction.StartPs));
        Metrics.TransferLatency!.RecordPicoseconds(nowPs - Math.Max(transaction.StartPs, _connectedPs)); // the request waits for the handshake
        if (_reconnect || !_running) return;
        if (_options.Transactions is { } n && _started >= n) Stop();
        else Next();
    }

    void ITransactionConnectionOwner.OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason)
    {
        _connection = null;
        if (_reconnect) Resolve();
    }

    private void Stop()
    {
        if (!_running) return;
        _running = false;
        Metrics.EndPs = _sim.NowPicoseconds;
        _endpoint.EndThread(_core);
        if (!_reconnect) _connection?.Close();
    }
}
