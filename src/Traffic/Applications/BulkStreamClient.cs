using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// iperf3 client as a state machine: Start opens the streams; every interval a report of the bytes the receiver
/// read (iperf3's receiver-side numbers); at the end (time, or every stream's share written and closed) a total.
/// TCP streams write as fast as their send buffers take; UDP streams send datagrams at exact times for the target
/// rate, and their loss is what was sent and never read.
/// </summary>
public sealed class BulkStreamClient : IEventTarget
{
    private const int StartEvent = 1, TickEvent = 2, StopEvent = 3;
    private readonly TrafficEndpoint _endpoint;
    private readonly BulkStreamOptions _options;
    private readonly FlowTable _flows;
    private readonly Simulator _sim;
    private readonly List<TcpStream> _tcp = new();
    private readonly List<UdpStream> _udp = new();
    private long _lastTickPs;
    private long _lastBytes;
    private long _lastPacketsSent;
    private long _lastPacketsReceived;
    private int _openStreams;
    private bool _stopped;

    public BulkStreamClient(TrafficEndpoint client, BulkStreamOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _endpoint = client;
        _options = options;
        _flows = flows ?? throw new ArgumentNullException(nameof(flows));
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, options.Protocol == StreamProtocol.Tcp ? "iperf3_tcp" : "iperf3_udp",
            flows.NewRecorder(), flows.NewRecorder());
    }

    public ApplicationMetrics Metrics { get; }
    public bool IsDone => _stopped && _openStreams == 0;
    /// <summary>The TCP sockets of the streams (empty for UDP).</summary>
    public IEnumerable<TcpSocket> Sockets => _tcp.Select(s => s.Socket!).Where(s => s is not null);

    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        switch (ev.Arg)
        {
            case StartEvent: OnStart(); break;
            case TickEvent: OnTick(); break;
            case StopEvent: Stop(); break;
        }
    }

    private void OnStart()
    {
        long now = _sim.NowPicoseconds;
        Metrics.StartPs = now;
        _lastTickPs = now;
        long share = _options.Bytes is { } total ? (total + _options.Streams - 1) / _options.Streams : long.MaxValue;
        for (int i = 0; i < _options.Streams; i++)
        {
            if (_options.Protocol == StreamProtocol.Tcp) OpenTcp(share);
            else OpenUdp(share, now);
        }
        _sim.ScheduleAtPicoseconds(now + _options.Interval.Picoseconds, this, TransportEventKinds.ApplicationTimer, TickEvent);
        if (_options.Duration is { } d) _sim.ScheduleAtPicoseconds(now + d.Picoseconds, this, TransportEventKinds.ApplicationTimer, StopEvent);
    }

    private void OpenTcp(long share)
    {
        var stream = new TcpStream(this, share);
        TcpSocket? socket = _endpoint.Transport.Tcp.Connect(_options.Server, _options.Port, stream, out _, _options.Tcp, _endpoint.Core);
        if (socket is null)
        {
            Metrics.ConnectFailures++;
            return;
        }
        stream.Socket = socket;
        _tcp.Add(stream);
        _openStreams++;
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(socket.Flow.Id);
    }

    private void OpenUdp(long share, long now)
    {
        UdpSocket socket = _endpoint.Transport.Udp.Bind(0, null, _endpoint.Core);
        int size = _options.DatagramBytes ?? socket.MaxPayloadTo(_options.Server);
        if (size <= 0)
        {
            Metrics.ConnectFailures++;
            return;
        }
        var stream = new UdpStream(this, socket, size, share, now);
        _udp.Add(stream);
        _openStreams++;
        Metrics.AddFlow(socket.FlowTo(_options.Server, _options.Port).Id);
        stream.Schedule();
    }

    /// <summary>
    /// The results so far: totals are read from the flows at this moment, so datagrams and segments still in flight
    /// when the test stopped count once they arrive (iperf3's receiver totals).
    /// </summary>
    public ApplicationRecord Snapshot(long nowPs)
    {
        UpdateTotals();
        return Metrics.Snapshot(nowPs);
    }

    private void OnTick()
    {
        if (_stopped) return;
        RecordInterval();
        _sim.ScheduleAtPicoseconds(_sim.NowPicoseconds + _options.Interval.Picoseconds, this, TransportEventKinds.ApplicationTimer, TickEvent);
    }

    private void RecordInterval()
    {
        long now = _sim.NowPicoseconds;
        if (now <= _lastTickPs) return;
        (long bytes, long sent, long received) = Totals();
        long delta = bytes - _lastBytes;
        double seconds = (now - _lastTickPs) / 1e12;
        Metrics.AddInterval(new IntervalRecord(_lastTickPs, now, delta, seconds > 0 ? delta * 8 / seconds : 0, 0,
            sent - _lastPacketsSent, received - _lastPacketsReceived));
        _lastTickPs = now;
        _lastBytes = bytes;
        _lastPacketsSent = sent;
        _lastPacketsReceived = received;
    }

    /// <summary>Receiver-side bytes, packets sent and received, summed over the streams' flows.</summary>
    private (long Bytes, long Sent, long Received) Totals()
    {
        long bytes = 0, sent = 0, received = 0;
        foreach (int id in Metrics.FlowIds)
        {
            FlowMetrics f = _flows[id];
            bytes += f.BytesDelivered;
            sent += f.PacketsSent;
            received += f.PacketsReceived;
        }
        return (bytes, sent, received);
    }

    private void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        foreach (TcpStream s in _tcp) s.Stop();
        foreach (UdpStream s in _udp) s.Stop();
        Finish();
    }

    private void StreamClosed()
    {
        _openStreams--;
        if (_options.Duration is null && _openStreams == 0)
        {
            _stopped = true;
            Finish();
        }
    }

    private void Finish()
    {
        RecordInterval(); // the last, possibly partial, interval
        Metrics.EndPs = _sim.NowPicoseconds;
        UpdateTotals();
    }

    private void UpdateTotals()
    {
        (long bytes, long sent, long received) = Totals();
        Metrics.BytesReceived = bytes;
        Metrics.PacketsSent = sent;
        Metrics.PacketsReceived = received;
        long written = 0;
        foreach (int id in Metrics.FlowIds) written += _flows[id].BytesSent;
        Metrics.BytesSent = written;
    }

    /// <summary>One TCP stream: write while the buffer takes it, up to its share; close when done or stopped.</summary>
    private sealed class TcpStream : ITcpSocketHandler
    {
        private readonly BulkStreamClient _app;
        private long _remaining;
        private bool _closed;

        public TcpStream(BulkStreamClient app, long share)
        {
            _app = app;
            _remaining = share;
        }

        public TcpSocket? Socket { get; set; }

        public void Stop()
        {
            _remaining = 0;
            CloseOnce();
        }

        public void OnConnected(TcpSocket socket) => Fill(socket);
        public void OnReceived(TcpSocket socket, int bytes) { }
        public void OnSendSpace(TcpSocket socket) => Fill(socket);
        public void OnPeerClosed(TcpSocket socket) => CloseOnce();

        public void OnClosed(TcpSocket socket, TcpCloseReason reason)
        {
            _closed = true;
            _app.StreamClosed();
        }

        private void Fill(TcpSocket socket)
        {
            while (_remaining > 0)
            {
                int want = (int)Math.Min(_app._options.WriteBytes, _remaining);
                int n = socket.Send(want);
                if (_remaining != long.MaxValue) _remaining -= n;
                if (n < want) return;
            }
            CloseOnce();
        }

        private void CloseOnce()
        {
            if (_closed || Socket is null) return;
            _closed = true;
            Socket.Close();
        }
    }

    /// <summary>One UDP stream: datagram k leaves at start + k·size·8/rate exactly (integer picoseconds).</summary>
    private sealed class UdpStream : IEventTarget
    {
        private readonly BulkStreamClient _app;
        private readonly UdpSocket _socket;
        private readonly int _size;
        private readonly long _startPs;
        private long _remaining;
        private long _sent;
        private bool _stopped;

        public UdpStream(BulkStreamClient app, UdpSocket socket, int size, long share, long startPs)
        {
            _app = app;
            _socket = socket;
            _size = size;
            _remaining = share;
            _startPs = startPs;
        }

        public void Schedule()
        {
            Int128 offset = (Int128)_sent * _size * 8 * SimTime.PicosPerSecond / _app._options.TargetBitsPerSecond;
            _app._sim.ScheduleAtPicoseconds(_startPs + (long)offset, this, TransportEventKinds.ApplicationTimer, 0);
        }

        public void Stop()
        {
            if (_stopped) return;
            _stopped = true;
            _socket.Close();
            _app.StreamClosed();
        }

        void IEventTarget.OnEvent(in SimEvent ev)
        {
            if (_stopped) return;
            int size = (int)Math.Min(_size, _remaining);
            _socket.SendTo(_app._options.Server, _app._options.Port, size);
            _sent++;
            if (_remaining != long.MaxValue) _remaining -= size;
            if (_remaining <= 0) Stop();
            else Schedule();
        }
    }
}
