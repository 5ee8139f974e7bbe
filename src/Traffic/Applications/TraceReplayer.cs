using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Replays a trace: each row starts exactly at its time (one pending event at a time, rows in time order, ties in
/// file order). TCP rows open a connection and run one transaction, the server closing after it; UDP rows send
/// their bytes as MTU-sized datagrams back to back. Servers (a <see cref="TransactionServer"/> per TCP destination
/// and port, a <see cref="UdpSink"/> per UDP one) are created up front. Names are resolved before anything runs, so
/// an unknown endpoint is an input error naming its line.
/// </summary>
public sealed class TraceReplayer : IEventTarget, ITransactionObserver, ITransactionConnectionOwner
{
    private readonly TraceRecord[] _records;
    private readonly TrafficEndpoint[] _sources;
    /// <summary>The replaying thread of each source endpoint (one per source, placed on its first flow).</summary>
    private readonly Dictionary<TrafficEndpoint, int> _threads = new();
    private readonly TrafficEndpoint[] _destinations;
    private readonly TransactionDirectory _directory;
    private readonly TcpSocketOptions? _tcp;
    private readonly Simulator _sim;
    private readonly Dictionary<TrafficEndpoint, UdpSocket> _udpSenders = new();
    private readonly List<TransactionServer> _servers = new();
    private readonly List<UdpSink> _sinks = new();
    private int _next;

    public TraceReplayer(IReadOnlyList<TraceRecord> records, Func<string, TrafficEndpoint?> resolve, TransactionDirectory directory,
        FlowTable flows, string file, TcpSocketOptions? tcp = null, string name = "trace")
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(flows);
        if (records.Count == 0) throw new InputException(file, 0, "", "the trace has no rows");
        _records = records.Select((r, i) => (r, i)).OrderBy(x => x.r.StartPs).ThenBy(x => x.i).Select(x => x.r).ToArray();
        _sources = new TrafficEndpoint[_records.Length];
        _destinations = new TrafficEndpoint[_records.Length];
        for (int i = 0; i < _records.Length; i++)
        {
            TraceRecord r = _records[i];
            _sources[i] = resolve(r.Source) ?? throw new InputException(file, r.Line, "source", $"unknown endpoint '{r.Source}'");
            _destinations[i] = resolve(r.Destination) ?? throw new InputException(file, r.Line, "destination", $"unknown endpoint '{r.Destination}'");
        }
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _tcp = tcp;
        _sim = _sources[0].Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(name, "trace", flows.NewRecorder(), flows.NewRecorder());
        CreateServers();
    }

    public ApplicationMetrics Metrics { get; }
    /// <summary>When each row actually started (ps), in replay order, with its trace line.</summary>
    public List<(int Line, long StartedPs)> Started { get; } = new();
    public IReadOnlyList<TransactionServer> Servers => _servers;
    public IReadOnlyList<UdpSink> Sinks => _sinks;

    /// <summary>Schedules the first row; rows in the past of the current time are an error.</summary>
    public void Start()
    {
        if (_records[0].StartPs < _sim.NowPicoseconds)
            throw new InvalidOperationException($"trace row at line {_records[0].Line} starts before the current time {_sim.Now}");
        Metrics.StartPs = _records[0].StartPs;
        _sim.ScheduleAtPicoseconds(_records[0].StartPs, this, TransportEventKinds.ApplicationTimer, 0);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        int i = _next++;
        Replay(i);
        if (_next < _records.Length) _sim.ScheduleAtPicoseconds(_records[_next].StartPs, this, TransportEventKinds.ApplicationTimer, _next);
        else Metrics.EndPs = -1;
    }

    private void Replay(int i)
    {
        TraceRecord r = _records[i];
        Started.Add((r.Line, _sim.NowPicoseconds));
        TrafficEndpoint from = _sources[i], to = _destinations[i];
        if (r.Protocol == StreamProtocol.Tcp)
        {
            TransactionClientConnection? c = TransactionClientConnection.Open(from, to.Address, r.Port, _directory, this, _tcp, i, ThreadOf(from), out _);
            if (c is null)
            {
                Metrics.ConnectFailures++;
                return;
            }
            Metrics.ConnectionsOpened++;
            Metrics.AddFlow(c.Socket.Flow.Id);
            c.Begin(r.RequestBytes, r.ResponseBytes, serverCloses: true, this);
            return;
        }
        if (!_udpSenders.TryGetValue(from, out UdpSocket? socket))
        {
            socket = from.Transport.Udp.Bind(0, null, ThreadOf(from));
            _udpSenders.Add(from, socket);
        }
        int max = socket.MaxPayloadTo(to.Address);
        if (max <= 0)
        {
            Metrics.ConnectFailures++;
            return;
        }
        for (long left = r.RequestBytes; left > 0; left -= max)
            socket.SendTo(to.Address, r.Port, (int)Math.Min(max, left));
        Metrics.BytesSent += r.RequestBytes;
        int flow = socket.FlowTo(to.Address, r.Port).Id;
        if (!Metrics.FlowIds.Contains(flow)) Metrics.AddFlow(flow);
    }

    private void CreateServers()
    {
        var tcp = new HashSet<(TrafficEndpoint, ushort)>();
        var udp = new HashSet<(TrafficEndpoint, ushort)>();
        for (int i = 0; i < _records.Length; i++)
        {
            var key = (_destinations[i], _records[i].Port);
            if (_records[i].Protocol == StreamProtocol.Tcp && tcp.Add(key)) _servers.Add(new TransactionServer(key.Item1, key.Item2, _directory, _tcp));
            if (_records[i].Protocol == StreamProtocol.Udp && udp.Add(key)) _sinks.Add(new UdpSink(key.Item1, key.Item2));
        }
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
        Metrics.EndPs = Math.Max(Metrics.EndPs, nowPs);
    }

    private int ThreadOf(TrafficEndpoint from)
    {
        if (!_threads.TryGetValue(from, out int core)) _threads[from] = core = from.StartThread();
        return core;
    }
}
