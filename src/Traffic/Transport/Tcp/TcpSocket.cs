using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// One TCP connection endpoint (Linux's tcp_sock) as an explicit state machine driven by events: segments arriving
/// from tcp_v4_rcv, its three timers (retransmission, delayed ACK, TIME_WAIT) and the application's calls.
/// Payload bytes are counted, never stored: the send buffer is the sequence range [SND.UNA, write_seq), so any
/// (re)transmission is rebuilt from sequence numbers and no packet outlives its event. The code is split by
/// concern: input (segment arrival), output (building segments), recovery (congestion state, SACK, PRR, RTO) and
/// timers.
/// </summary>
public sealed partial class TcpSocket : IEventTarget
{
    private readonly TcpStack _stack;
    private readonly Simulator _sim;
    private readonly PacketPool _pool;
    private readonly TransportCosts _costs;
    private readonly CongestionControl _cc;
    private readonly RtoEstimator _rtt;
    private readonly SackScoreboard _scoreboard = new();
    private readonly OutOfOrderQueue _ooo = new();
    private readonly TransmitTimestamps _sent = new();
    private readonly SimTimer _retransmitTimer;
    private readonly SimTimer _delayedAckTimer;
    private readonly SimTimer _timeWaitTimer;
    private readonly FlowMetrics _flow;
    private readonly int _mtu;
    private readonly int _advMss;
    private ITcpSocketHandler? _handler;
    private TcpListener? _listener;
    private bool _closeNotified;
    /// <summary>Bytes send() accepted that are not yet copied into the send queue.</summary>
    private long _copyPending;
    private bool _copyInProgress;
    /// <summary>sk_rxhash: the flow hash of the packets this socket receives (what RFS records for its reader).</summary>
    private uint _rxHash;

    internal TcpSocket(TcpStack stack, ConnectionKey key, TcpSocketOptions options, int core, int mtu, FlowMetrics flow, uint iss)
    {
        _stack = stack;
        _sim = stack.Node.Sim;
        _pool = stack.Node.Pool;
        _costs = stack.Costs;
        Key = key;
        Options = options;
        Core = core;
        _flow = flow;
        _mtu = mtu;
        _advMss = mtu - Ipv4Header.Size - TcpHeader.BaseSize; // dst_metric_advmss: MTU − 40 (1500 → 1460, 1450 → 1410)
        _peerMss = LinuxDefaults.DefaultPeerMss;
        _cc = CongestionControl.Create(options.CongestionControl);
        _rtt = new RtoEstimator(LinuxDefaults.RtoInitial.Picoseconds, LinuxDefaults.RtoMin.Picoseconds, LinuxDefaults.RtoMax.Picoseconds);
        int node = stack.Node.Id;
        _retransmitTimer = new SimTimer(_sim, this, TransportEventKinds.RetransmitTimer, node);
        _delayedAckTimer = new SimTimer(_sim, this, TransportEventKinds.DelayedAckTimer, node);
        _timeWaitTimer = new SimTimer(_sim, this, TransportEventKinds.TimeWaitTimer, node);
        _iss = iss;
        _sndUna = iss;
        _sndNxt = iss;
        _writeSeq = iss + 1;
        _highRxt = iss;
        _lostBoundary = iss;
        _rcvBufLocked = options.ReceiveBufferBytes is not null;
        _rcvBuf = options.ReceiveBufferBytes ?? LinuxDefaults.TcpRmemDefault;
        // tcp_select_initial_window: the scale covers the largest buffer autotuning may grow to (tcp_rmem[2]).
        _rcvWscale = options.WindowScaling ? WindowScaleFor(options.ReceiveBufferBytes ?? LinuxDefaults.TcpRmemMax) : 0;
        _w = new CongestionWindow
        {
            Cwnd = options.InitialCwndSegments,
            Ssthresh = CongestionWindow.InfiniteSsthresh,
            Clamp = int.MaxValue / 2,
        };
        RecomputeMss();
    }

    public ConnectionKey Key { get; }
    public Ipv4Address LocalAddress => Key.LocalAddress;
    public ushort LocalPort => Key.LocalPort;
    public Ipv4Address RemoteAddress => Key.RemoteAddress;
    public ushort RemotePort => Key.RemotePort;
    public TcpSocketOptions Options { get; }
    /// <summary>
    /// The CPU core the owning application runs on: system calls and timer work are charged there. Once the
    /// handshake shows which core receives the connection, the application moves off it if they coincide
    /// (<see cref="TcpStack.ApplicationCore"/>).
    /// </summary>
    public int Core { get; private set; }
    /// <summary>The thread on <see cref="Core"/> serves only this connection and exits when it closes.</summary>
    internal bool OwnsThread { get; set; }
    public TcpState State { get; private set; }
    public CongestionState CongestionState => _caState;
    /// <summary>The flow of the bytes this socket sends.</summary>
    public FlowMetrics Flow => _flow;
    public TcpStack Stack => _stack;

    // --- tcp_info-like read-outs (tests, reports) ---
    /// <summary>Payload bytes per full segment (mss_cache): min(peer MSS, MTU − 40) minus the timestamps option.</summary>
    public int Mss => _mss;
    /// <summary>The MSS option this side advertised in its SYN (MTU − 40).</summary>
    public int AdvertisedMss => _advMss;
    public int CwndSegments => _w.Cwnd;
    public int SsthreshSegments => _w.Ssthresh;
    public long SrttPs => _rtt.SrttPs;
    public long RtoPs => _rtt.BackedOff(_backoff);
    public int Backoff => _backoff;
    public bool SackEnabled => _sackOk;
    public bool TimestampsEnabled => _tsOk;
    public bool EcnEnabled => _ecnOk;
    public int SendWindowScale => _sndWscale;
    public int ReceiveWindowScale => _rcvWscale;
    /// <summary>Bytes sent and not yet acknowledged (SND.NXT − SND.UNA).</summary>
    public long BytesInFlight => SequenceNumber.Distance(_sndUna, _sndNxt);
    /// <summary>Bytes the application wrote that are not yet acknowledged (sk_wmem_queued, payload only).</summary>
    public long SendQueued => SequenceNumber.Distance(_sndUna, _writeSeq);
    public long SendBufferFree => Math.Max(0, Options.SendBufferBytes - SendQueued - _copyPending);
    /// <summary>sk_rcvbuf: the receive buffer in bytes (grows with autotuning unless SO_RCVBUF fixed it).</summary>
    public long ReceiveBuffer => _rcvBuf;
    /// <summary>rcv_wnd: the window last advertised, in bytes.</summary>
    public long ReceiveWindowAdvertised => _rcvWnd;
    /// <summary>Received bytes the application has not read yet.</summary>
    public long ReceiveQueued => _rcvQueued;
    /// <summary>Total bytes acknowledged by the peer (excluding SYN and FIN).</summary>
    public long BytesAcked { get; private set; }
    public uint InitialSendSequence => _iss;
    /// <summary>The peer's initial sequence number (its SYN's), 0 before one arrived.</summary>
    public uint InitialReceiveSequence => _irs;
    public uint SendUnacknowledged => _sndUna;
    public uint SendNext => _sndNxt;
    public uint ReceiveNext => _rcvNxt;
    public bool DelayedAckPending => _delayedAckTimer.IsArmed;

    public void SetHandler(ITcpSocketHandler handler)
    {
        _handler = handler;
        if (State != TcpState.Closed && (_rcvQueued > 0 || _finReceived)) ScheduleRead();
    }

    /// <summary>
    /// send(): takes up to <paramref name="bytes"/> of application data; returns how many the send buffer took.
    /// Charges the system call on the socket's core, then copies the data in skb-sized chunks (tcp_sendmsg's loop);
    /// each chunk can be sent once its copy is done, as Linux pushes each skb it fills. A short write makes the
    /// socket call OnSendSpace when room frees up.
    /// </summary>
    public int Send(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_finQueued || !(State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived))
            return 0;
        int accepted = (int)Math.Min(bytes, SendBufferFree);
        _stack.ChargeCpu(Core, _costs.Syscall.For(0) + _costs.Copy.For(0));
        if (accepted < bytes) _sendBlocked = true;
        if (accepted == 0) return 0;
        _copyPending += accepted;
        _flow.BytesSent += accepted;
        if (!_copyInProgress) CopyNextChunks();
        return accepted;
    }

    /// <summary>
    /// Copies the next chunk of written data into the send queue on the socket's core; a chunk whose copy ends at
    /// once (a free core, no copy cost) is queued now, otherwise when the copy ends.
    /// </summary>
    private void CopyNextChunks()
    {
        while (_copyPending > 0)
        {
            int chunk = (int)Math.Min(_copyPending, SendChunkBytes());
            long copyPs = _costs.Copy.For(chunk) - _costs.Copy.For(0);
            long finish = _stack.ChargeCpu(Core, copyPs);
            if (finish > _sim.NowPicoseconds)
            {
                _copyInProgress = true;
                _sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.WriteCopied, chunk, null, _stack.Node.Id);
                return;
            }
            QueueCopied(chunk);
        }
    }

    private void OnWriteCopied(int chunk)
    {
        _copyInProgress = false;
        if (State == TcpState.Closed)
        {
            _copyPending = 0;
            return;
        }
        QueueCopied(chunk);
        CopyNextChunks();
    }

    /// <summary>A copied chunk joins the send queue (write_seq advances) and is pushed (tcp_push).</summary>
    private void QueueCopied(int chunk)
    {
        _copyPending -= chunk;
        _writeSeq += (uint)chunk;
        TryTransmit(Core); // also after close(): the FIN waits for the last chunk
    }

    /// <summary>tcp_sendmsg's size_goal: the skb it fills before pushing, the TSO size (at least one MSS).</summary>
    private long SendChunkBytes() => Math.Max(_mss, TsoBytes(_mss));

    /// <summary>close(): sends FIN after the queued data (FIN_WAIT_1 or LAST_ACK); a connection still opening is dropped.</summary>
    public void Close()
    {
        _stack.ChargeCpu(Core, _costs.Syscall.For(0));
        switch (State)
        {
            case TcpState.SynSent:
                Finish(TcpCloseReason.Aborted);
                break;
            case TcpState.SynReceived:
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                TryTransmit(Core);
                break;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                TryTransmit(Core);
                break;
        }
    }

    /// <summary>Aborts the connection with a RST (SO_LINGER 0, or close() with unread data).</summary>
    public void Abort()
    {
        if (State is TcpState.Closed) return;
        if (State is not (TcpState.SynSent or TcpState.TimeWait)) SendReset(Core);
        Finish(TcpCloseReason.Aborted);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        switch (ev.Kind)
        {
            case TransportEventKinds.SegmentArrival: OnSegment((Packet)ev.Payload!); break;
            case TransportEventKinds.RetransmitTimer: OnRetransmitTimer(); break;
            case TransportEventKinds.DelayedAckTimer: OnDelayedAckTimer(); break;
            case TransportEventKinds.TimeWaitTimer: OnTimeWaitTimer(); break;
            case TransportEventKinds.ReadComplete: OnReadComplete((int)ev.Arg); break;
            case TransportEventKinds.WriteCopied: OnWriteCopied((int)ev.Arg); break;
            case TransportEventKinds.ConnectSetupDone: OnConnectSetupDone(); break;
            case TransportEventKinds.ThreadWoken: OnThreadWoken(ev.Arg == WokenFromConnect); break;
            default: throw new InvalidOperationException($"TCP socket got unexpected event kind {ev.Kind}");
        }
    }

    /// <summary>Ends the connection: timers off, out of the demux table, the application told once.</summary>
    private void Finish(TcpCloseReason reason)
    {
        if (State == TcpState.Closed) return;
        State = TcpState.Closed;
        _retransmitTimer.Cancel();
        _delayedAckTimer.Cancel();
        _timeWaitTimer.Cancel();
        _stack.Remove(this);
        if (OwnsThread) _stack.Node.Cpu.Scheduler.Exit(Core);
        if (_inAcceptQueue)
        {
            _inAcceptQueue = false; // closed before accept() returned it
            _listener?.Forget();
        }
        NotifyClosed(reason);
    }

    private void NotifyClosed(TcpCloseReason reason)
    {
        if (_flow.EndPs < 0) _flow.EndPs = _sim.NowPicoseconds;
        if (_closeNotified) return;
        _closeNotified = true;
        _handler?.OnClosed(this, reason);
    }

    /// <summary>Smallest shift that fits the buffer in a 16-bit window (tcp_select_initial_window), at most 14.</summary>
    private static int WindowScaleFor(long bufferBytes)
    {
        int scale = 0;
        long space = bufferBytes;
        while (space > ushort.MaxValue && scale < LinuxDefaults.MaxWindowScale)
        {
            space >>= 1;
            scale++;
        }
        return scale;
    }

    public override string ToString() => $"tcp {Key} {State}";
}
