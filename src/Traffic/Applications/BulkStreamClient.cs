using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// iperf3 client as a state machine: Start opens the streams, each written by a thread of its own (iperf3 runs a
/// thread per stream since 3.16); every interval a report of the bytes the receiver read (iperf3's receiver-side
/// numbers); at the end (time, or every stream's share written and closed) a total. Bytes that reach the
/// receiver after the test's end are not counted, so the total and the test's duration cover the same time.
/// TCP streams write as fast as their send buffers take; UDP streams send datagrams on a schedule for the target
/// rate as far as their thread's core and send buffer let them, and their loss is what was sent and never read.
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
    /// <summary>Receiver-side bytes when the test ended (-1 while it runs): later arrivals do not count.</summary>
    private long _bytesAtEnd = -1;

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
        int core = _endpoint.StartThread();
        TcpSocket? socket = _endpoint.Transport.Tcp.Connect(_options.Server, _options.Port, stream, out _, _options.Tcp, core);
        if (socket is null)
        {
            Metrics.ConnectFailures++;
            _endpoint.EndThread(core);
            return;
        }
        stream.Socket = socket;
        _tcp.Add(stream);
        _openStreams++;
        Metrics.ConnectionsOpened++;
        Metrics.AddFlow(socket.Flow.Id);
    }

    /// <summary>
    /// iperf3 -u without -l (3.2 and later): the TCP MSS of its control connection to the same server, as
    /// getsockopt(TCP_MAXSEG) reads it (path MTU − 40, less the aligned timestamps option when it is on), so the
    /// datagram is never fragmented; 0 (no route) stays 0.
    /// </summary>
    private int Iperf3DefaultLength(int maxUdpPayload)
    {
        if (maxUdpPayload <= 0) return maxUdpPayload;
        bool timestamps = (_options.Tcp ?? new TcpSocketOptions()).Timestamps;
        int mss = maxUdpPayload + UdpHeader.Size - TcpHeader.BaseSize - (timestamps ? LinuxDefaults.TimestampOptionAligned : 0);
        return Math.Max(1, mss);
    }

    private void OpenUdp(long share, long now)
    {
        int core = _endpoint.StartThread();
        var stream = new UdpStream(this, core, share, now);
        UdpSocket socket = _endpoint.Transport.Udp.Bind(0, stream, core);
        int size = _options.DatagramBytes ?? Iperf3DefaultLength(socket.MaxPayloadTo(_options.Server));
        if (size <= 0)
        {
            Metrics.ConnectFailures++;
            socket.Close();
            _endpoint.EndThread(core);
            return;
        }
        stream.Open(socket, size);
        _udp.Add(stream);
        _openStreams++;
        Metrics.AddFlow(socket.FlowTo(_options.Server, _options.Port).Id);
    }

    /// <summary>
    /// The results so far, read from the flows at this moment; once the test has ended, the received total is the
    /// one at its end (what arrives later is in the flows' own records, not in the test's goodput).
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
        _bytesAtEnd = Metrics.BytesReceived;
    }

    private void UpdateTotals()
    {
        (long bytes, long sent, long received) = Totals();
        Metrics.BytesReceived = _bytesAtEnd >= 0 ? _bytesAtEnd : bytes;
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
            _app._endpoint.EndThread(socket.Core);
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

    /// <summary>
    /// One UDP stream, as iperf3 -u's sending thread: datagram k is due at start + k·size·8/rate. The thread sends a
    /// due datagram when it can run: its core has finished the work queued before it (softirq goes first, and
    /// sendto() returns only once the datagram is down the stack) and the send buffer has room (else sendto()
    /// blocks until the socket's datagrams leave the host). A thread that fell behind sends its late datagrams back
    /// to back, as iperf3 does, so it offers the target rate whenever the core and the buffer allow it.
    /// </summary>
    private sealed class UdpStream : IEventTarget, IUdpSocketHandler
    {
        private readonly BulkStreamClient _app;
        private readonly int _core;
        private readonly long _startPs;
        private UdpSocket? _socket;
        private int _size;
        private long _remaining;
        private long _sent;
        private bool _stopped;

        public UdpStream(BulkStreamClient app, int core, long share, long startPs)
        {
            _app = app;
            _core = core;
            _remaining = share;
            _startPs = startPs;
        }

        public void Open(UdpSocket socket, int size)
        {
            _socket = socket;
            _size = size;
            Schedule();
        }

        /// <summary>Wakes the thread when the next datagram is due (now, if it is late).</summary>
        private void Schedule()
        {
            Int128 offset = (Int128)_sent * _size * 8 * SimTime.PicosPerSecond / _app._options.TargetBitsPerSecond;
            long due = _startPs + (long)offset;
            _app._sim.ScheduleAtPicoseconds(Math.Max(due, _app._sim.NowPicoseconds), this, TransportEventKinds.ApplicationTimer, 0);
        }

        public void Stop()
        {
            if (_stopped) return;
            _stopped = true;
            _socket?.Close();
            _app._endpoint.EndThread(_core);
            _app.StreamClosed();
        }

        void IEventTarget.OnEvent(in SimEvent ev)
        {
            if (_stopped || _socket is null) return;
            var sim = _app._sim;
            long busyUntil = _app._endpoint.Transport.Namespace.Node.Cpu[_core].BusyUntil;
            if (busyUntil > sim.NowPicoseconds)
            {
                sim.ScheduleAtPicoseconds(busyUntil, this, TransportEventKinds.ApplicationTimer, 0);
                return;
            }
            if (_socket.SendBufferFull)
            {
                _socket.WaitForSendSpace();
                return;
            }
            int size = (int)Math.Min(_size, _remaining);
            // iperf3's own loop, rate check and datagram header, in user space before each sendto().
            UdpStack udp = _app._endpoint.Transport.Udp;
            long user = udp.Costs.Iperf3UdpSend.For(0);
            if (user > 0) udp.ChargeCpu(_socket.Core, user);
            _socket.SendTo(_app._options.Server, _app._options.Port, size);
            _sent++;
            if (_remaining != long.MaxValue) _remaining -= size;
            if (_remaining <= 0) Stop();
            else Schedule();
        }

        void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

        void IUdpSocketHandler.OnSendSpace(UdpSocket socket)
        {
            if (!_stopped) _app._sim.ScheduleAtPicoseconds(_app._sim.NowPicoseconds, this, TransportEventKinds.ApplicationTimer, 0);
        }
    }
}
