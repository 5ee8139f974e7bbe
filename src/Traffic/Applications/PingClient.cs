using NetSim.Engine.Core;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Icmp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// iputils ping: an echo request every interval on one ping socket, whether or not earlier replies came; each
/// matched reply gives an RTT sample (from sendto() to recvmsg() returning the reply, the span an rr transaction
/// measures) and counts as a transaction; echoes unanswered within the timeout are lost. Late replies to an echo
/// already counted lost are counted received again, as ping's summary does; duplicates are ignored.
/// </summary>
public sealed class PingClient : IEventTarget, IPingSocketHandler
{
    private const int StartEvent = 1, SendEvent = 2;
    private const byte Empty = 0, Outstanding = 1, Lost = 2;
    private readonly TrafficEndpoint _endpoint;
    private readonly PingOptions _options;
    private readonly Simulator _sim;
    private readonly long[] _sentAt;
    private readonly ushort[] _slotSequence;
    private readonly byte[] _state;
    private readonly int _mask;
    private PingSocket? _socket;
    private long _next = 1;   // iputils numbers echoes from icmp_seq=1
    private long _oldest = 1; // the oldest echo that may still be outstanding
    private long _firstSendPs;
    private long _maxRttPs;
    private bool _stopped;

    public PingClient(TrafficEndpoint client, PingOptions options, FlowTable flows)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(flows);
        options.Validate();
        _endpoint = client;
        _options = options;
        _sim = client.Transport.Namespace.Node.Sim;
        Metrics = new ApplicationMetrics(options.Name, "ping", flows.NewRecorder(), flows.NewRecorder());
        long window = options.Timeout.Picoseconds / options.Interval.Picoseconds + 2;
        int size = (int)Math.Min(1 << 16, Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Min(window, 1 << 16))));
        _sentAt = new long[size];
        _slotSequence = new ushort[size];
        _state = new byte[size];
        _mask = size - 1;
    }

    public ApplicationMetrics Metrics { get; }
    /// <summary>ICMP errors about our echoes (ping's "+N errors": unreachable, time exceeded).</summary>
    public long Errors { get; private set; }
    public long EchoesSent => _next - 1;
    public bool IsDone => _stopped;

    /// <summary>Schedules the first echo at <see cref="PingOptions.StartAt"/>.</summary>
    public void Start() => _sim.ScheduleAt(SimTime.Max(_options.StartAt, _sim.Now), this, TransportEventKinds.ApplicationTimer, StartEvent);

    /// <summary>The metrics as of <paramref name="nowPs"/>, with echoes overdue by then counted lost.</summary>
    public ApplicationRecord Snapshot(long nowPs)
    {
        long wait = _maxRttPs > 0 ? Math.Min(_options.Timeout.Picoseconds, 2 * _maxRttPs) : _options.Timeout.Picoseconds;
        Expire(nowPs, wait);
        return Metrics.Snapshot(nowPs);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg == StartEvent)
        {
            _socket = _endpoint.Transport.Icmp.Open(this, _endpoint.StartThread());
            Metrics.AddFlow(_socket.FlowTo(_options.Destination).Id);
            Metrics.ConnectionsOpened++;
            _firstSendPs = _sim.NowPicoseconds;
            Metrics.StartPs = _firstSendPs;
        }
        if (!_stopped) SendNext();
    }

    private void SendNext()
    {
        long now = _sim.NowPicoseconds;
        bool over = (_options.Count is { } n && _next > n) || (_options.Duration is { } d && now - _firstSendPs >= d.Picoseconds);
        if (over)
        {
            _stopped = true;
            Metrics.EndPs = now;
            return;
        }
        Expire(now, _options.Timeout.Picoseconds);
        int slot = (int)(_next & _mask);
        if (_state[slot] == Outstanding) MarkLost(slot); // the ring only wraps onto echoes older than the timeout
        if (_next - _oldest >= _sentAt.Length) _oldest = _next - _sentAt.Length + 1;
        ushort sequence = (ushort)_next;
        _sentAt[slot] = now;
        _slotSequence[slot] = sequence;
        _state[slot] = Outstanding;
        _next++;
        // iputils counts a send that fails with a hard local error (no route, link down) as transmitted ("Pretend we
        // sent packet", ping_common.c pinger), so its loss counts it and nothing is left in flight.
        Metrics.PacketsSent++;
        if (_socket!.SendEcho(_options.Destination, sequence, _options.PayloadBytes)) Metrics.BytesSent += _options.PayloadBytes;
        else MarkLost(slot); // sendto() failed: the echo never leaves
        _sim.ScheduleAtPicoseconds(_firstSendPs + (_next - 1) * _options.Interval.Picoseconds, this, TransportEventKinds.ApplicationTimer, SendEvent);
    }

    void IPingSocketHandler.OnEchoReply(PingSocket socket, ushort sequence, int payloadBytes, long nowPs)
    {
        int slot = sequence & _mask;
        if (_slotSequence[slot] != sequence || _state[slot] == Empty) return; // a duplicate (DUP!) or a stray
        if (_state[slot] == Lost) Metrics.Lost--;
        _state[slot] = Empty;
        long rtt = nowPs - _sentAt[slot];
        if (rtt > _maxRttPs) _maxRttPs = rtt;
        Metrics.Transactions++;
        Metrics.PacketsReceived++;
        Metrics.BytesReceived += payloadBytes;
        Metrics.TransactionLatency.RecordPicoseconds(rtt);
    }

    void IPingSocketHandler.OnEchoError(PingSocket socket, ushort sequence, long nowPs) => Errors++;

    /// <summary>Counts as lost every echo, oldest first, unanswered for at least <paramref name="waitPs"/>.</summary>
    private void Expire(long nowPs, long waitPs)
    {
        for (; _oldest < _next; _oldest++)
        {
            int slot = (int)(_oldest & _mask);
            if (_state[slot] != Outstanding) continue;
            if (nowPs - _sentAt[slot] < waitPs) return;
            MarkLost(slot);
        }
    }

    private void MarkLost(int slot)
    {
        _state[slot] = Lost;
        Metrics.Lost++;
    }
}
