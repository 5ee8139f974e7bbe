using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;
using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>Segment arrival: RFC 9293 §3.10.7 in the order Linux's tcp_rcv_state_process applies it.</summary>
public sealed partial class TcpSocket
{
    private uint _irs;
    private uint _rcvNxt;
    /// <summary>RCV.NXT when the window was last advertised (Linux rcv_wup): data beyond it is not yet ACKed.</summary>
    private uint _rcvWup;
    /// <summary>The right edge of the last advertised window; never moved left (RFC 7323 §2.4).</summary>
    private uint _rcvAdvRight;
    private long _rcvBuf;
    private readonly bool _rcvBufLocked;
    /// <summary>rcv_ssthresh: the window offered so far; grows with the data received (receiver-side slow start).</summary>
    private long _rcvSsthresh;
    /// <summary>max_window: the largest window the peer offered (bounds the MSS to half of it).</summary>
    private long _maxSndWnd;
    /// <summary>rcv_wnd: the last advertised window in bytes (the receiver's RTT measurement spans one).</summary>
    private long _rcvWnd;
    private readonly ReceiveBufferTuning _rcvSpace = new();
    /// <summary>Bytes the application has read (copied_seq as a count).</summary>
    private long _rcvCopied;
    private long _rcvQueued;
    private readonly int _rcvWscale;
    private int _rcvMss;
    private bool _finReceived;
    private bool _oooFinPending;
    private uint _oooFinSeq;
    private bool _tsOk;
    private bool _sackOk;
    private bool _wscaleOk;
    private uint _tsRecent;
    private bool _eceEcho;
    private FlowMetrics? _peerFlow;
    private bool _readInProgress;
    private bool _peerClosedDelivered;

    private void OnSegment(Packet p)
    {
        if (State == TcpState.Closed)
        {
            _stack.Redeliver(p); // it was in tcp_v4_rcv when we closed: look it up again
            return;
        }
        int core = p.Core;
        if (p.Hash != 0) _rxHash = p.Hash; // sock_rps_save_rxhash
        CountArrival(p);
        if (State == TcpState.SynSent) ProcessSynSent(p, core);
        else ProcessSegment(p, core);
        _pool.Deliver(p);
        if (State is TcpState.Closed or TcpState.SynSent) return;
        TryTransmit(core);   // tcp_data_snd_check: ACK clocking
        AckCheck(core);      // tcp_ack_snd_check: now or delayed
        WakeWriter();
    }

    private void ProcessSegment(Packet p, int core)
    {
        ref TcpHeader h = ref p.Tcp;
        TcpFlags flags = h.Flags;
        uint seq = h.SequenceNumber;
        int len = p.PayloadLength;
        uint segEnd = seq + (uint)len + ((flags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((flags & TcpFlags.Fin) != 0 ? 1u : 0u);

        if (State == TcpState.TimeWait)
        {
            ProcessTimeWait(flags, seq, segEnd, core);
            return;
        }
        // First: is the segment in the window? (tcp_sequence)
        if (!SequenceAcceptable(seq, segEnd))
        {
            if ((flags & TcpFlags.Rst) == 0) ForceAck(core); // RFC 9293: answer an unacceptable segment with an ACK
            return;
        }
        // Second: RST, exact match only (RFC 5961 §3.2), else a challenge ACK.
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seq == _rcvNxt) OnReset();
            else ForceAck(core);
            return;
        }
        UpdateTsRecent(ref h, seq);
        // Fourth: a SYN on a synchronized connection (RFC 5961 §4): challenge ACK, or our SYN-ACK was lost.
        if ((flags & TcpFlags.Syn) != 0)
        {
            if (State == TcpState.SynReceived && seq == _irs) SendSynAck(core);
            else ForceAck(core);
            return;
        }
        // Fifth: the ACK field.
        if ((flags & TcpFlags.Ack) == 0) return;
        uint ack = h.AcknowledgmentNumber;
        if (State == TcpState.SynReceived)
        {
            if (!(After(ack, _sndUna) && BeforeOrEqual(ack, _sndNxt)))
            {
                _stack.SendResetFor(p, core);
                return;
            }
            CompletePassiveOpen();
        }
        if (!ProcessAck(ref h, seq, len, flags, core)) return;
        // ECN (RFC 3168 §6.1.3): CWR ends our echo; a CE mark starts it.
        if (_ecnOk) ProcessEcnMarks(p, flags);
        // Seventh: segment text.
        if (len > 0 && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
            ReceiveData(p, seq, len);
        // Eighth: FIN.
        if ((flags & TcpFlags.Fin) != 0) ReceiveFin(seq + (uint)len);
    }

    /// <summary>tcp_sequence: some of the segment is at or after RCV.WUP and it starts inside the window.</summary>
    private bool SequenceAcceptable(uint seq, uint segEnd)
    {
        uint right = After(_rcvAdvRight, _rcvNxt) ? _rcvAdvRight : _rcvNxt;
        return !Before(segEnd, _rcvWup) && !After(seq, right);
    }

    /// <summary>TS.Recent (RFC 7323 §4.3): remember the peer's timestamp from segments at the left window edge.</summary>
    private void UpdateTsRecent(ref TcpHeader h, uint seq)
    {
        if (_tsOk && h.HasTimestamps && !Before(h.TimestampValue, _tsRecent) && !After(seq, _rcvWup))
            _tsRecent = h.TimestampValue;
    }

    private void ProcessSynSent(Packet p, int core)
    {
        ref TcpHeader h = ref p.Tcp;
        TcpFlags flags = h.Flags;
        if ((flags & TcpFlags.Ack) != 0 && h.AcknowledgmentNumber != _iss + 1)
        {
            if ((flags & TcpFlags.Rst) == 0) _stack.SendResetFor(p, core);
            return;
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            if ((flags & TcpFlags.Ack) != 0) Finish(TcpCloseReason.Reset); // ECONNREFUSED
            return;
        }
        if ((flags & TcpFlags.Syn) == 0) return;
        _irs = h.SequenceNumber;
        _rcvNxt = _irs + 1;
        _rcvWup = _rcvNxt;
        _rcvWnd = SynWindow();
        _rcvAdvRight = _rcvNxt + (uint)_rcvWnd;
        ApplyPeerSynOptions(ref h);
        if ((flags & TcpFlags.Ack) == 0)
        {
            State = TcpState.SynReceived; // simultaneous open (RFC 9293 §3.5)
            SendSynAck(core);
            return;
        }
        _ecnOk = Options.Ecn == EcnMode.On && (flags & TcpFlags.Ece) != 0 && (flags & TcpFlags.Cwr) == 0;
        Core = _stack.ApplicationCore(Core, core); // the SYN-ACK's core receives the rest of the connection
        _sndUna = h.AcknowledgmentNumber;
        _highRxt = _sndUna;
        _lostBoundary = _sndUna;
        _sndWnd = h.Window; // never scaled in a SYN (RFC 7323 §2.2)
        NoteMaxWindow(_sndWnd);
        _sndWl1 = h.SequenceNumber;
        _sndWl2 = _sndUna;
        SynRttSample();
        State = TcpState.Established;
        _flow.ConnectionSetupPs = _sim.NowPicoseconds - _connectStartPs;
        SendAck(core); // the handshake's third segment, sent at once (tcp_rcv_synsent_state_process)
        WakeConnecter();
    }

    /// <summary>The ACK of our SYN-ACK arrived: ESTABLISHED, and the listener queues us for accept().</summary>
    private void CompletePassiveOpen()
    {
        _sndUna = _iss + 1;
        _highRxt = _sndUna;
        _lostBoundary = _sndUna;
        SynRttSample();
        State = TcpState.Established;
        _listener?.OnEstablished(this);
    }

    private void SynRttSample()
    {
        _retransmitTimer.Cancel();
        if (!_synRetransmitted && _synSentAtPs >= 0)
        {
            _rtt.AddSample(_sim.NowPicoseconds - _synSentAtPs);
            _backoff = 0;
        }
        _retries = 0;
    }

    /// <summary>Negotiated options from the peer's SYN or SYN-ACK (each needs both sides).</summary>
    private void ApplyPeerSynOptions(ref TcpHeader h)
    {
        _peerMss = h.MaxSegmentSize != 0 ? h.MaxSegmentSize : LinuxDefaults.DefaultPeerMss;
        _sackOk = Options.Sack && h.SackPermitted;
        _tsOk = Options.Timestamps && h.HasTimestamps;
        _wscaleOk = Options.WindowScaling && h.HasWindowScale;
        _sndWscale = _wscaleOk ? Math.Min((int)h.WindowScale, LinuxDefaults.MaxWindowScale) : 0;
        if (_tsOk) _tsRecent = h.TimestampValue;
        RecomputeMss();
    }

    /// <summary>
    /// mss_cache = min(peer MSS, MTU − 40) minus the 12 bytes of an aligned timestamps option: Linux advertises
    /// 1460 on a 1500-byte MTU but carries 1448 payload bytes per segment when timestamps are on. At most half
    /// the largest window the peer offered (tcp_bound_to_half_wnd, RFC 1122 §4.2.3.4 sender SWS avoidance), so
    /// a 64 KiB window on loopback (MSS ~64 KiB) still lets data flow.
    /// </summary>
    private void RecomputeMss()
    {
        int optionBytes = _tsOk ? LinuxDefaults.TimestampOptionAligned : 0;
        _mss = Math.Max(1, Math.Min(_peerMss, _advMss) - optionBytes);
        long cutoff = _maxSndWnd > LinuxDefaults.DefaultPeerMss ? _maxSndWnd / 2 : _maxSndWnd;
        if (cutoff > 0 && _mss > cutoff) _mss = (int)Math.Max(cutoff, MinBoundedMss - optionBytes);
        _rcvMss = Math.Max(1, _advMss - optionBytes);
        if (!_wscaleOk && State != TcpState.Closed) _sndWscale = 0;
    }

    private void ProcessTimeWait(TcpFlags flags, uint seq, uint segEnd, int core)
    {
        if ((flags & TcpFlags.Rst) != 0)
        {
            Finish(TcpCloseReason.Normal); // Linux kills TIME_WAIT on RST (net.ipv4.tcp_rfc1337 = 0)
            return;
        }
        if ((flags & TcpFlags.Fin) != 0)
        {
            _timeWaitTimer.Arm(LinuxDefaults.TimeWaitLength); // a retransmitted FIN: our ACK was lost; ACK again, restart 2MSL
            ForceAck(core);
            return;
        }
        if (segEnd != seq || (flags & TcpFlags.Syn) != 0) ForceAck(core);
    }

    private void OnReset()
    {
        _rcvQueued = 0;
        Finish(TcpCloseReason.Reset);
    }

    private void ProcessEcnMarks(Packet p, TcpFlags flags)
    {
        if ((flags & TcpFlags.Cwr) != 0) _eceEcho = false;
        if (p.PayloadLength > 0 && p.Ipv4.Ecn == EcnCodepoint.CongestionExperienced)
        {
            if (!_eceEcho) IncreaseQuickAck(2); // tcp_ecn_check_ce: do not delay the echo
            _eceEcho = true;
        }
    }

    /// <summary>tcp_data_queue: in-order data joins the receive queue, out-of-order data the OOO queue (and is SACKed at once).</summary>
    private void ReceiveData(Packet p, uint seq, int len)
    {
        uint end = seq + (uint)len;
        if (BeforeOrEqual(end, _rcvNxt))
        {
            EnterQuickAck(); // a retransmission of data we have: ACK at once
            ScheduleAckNow();
            return;
        }
        uint right = _rcvAdvRight;
        if (!Before(seq, right))
        {
            ScheduleAckNow(); // beyond the window (e.g. a zero-window probe)
            return;
        }
        if (After(end, right)) end = right;
        MeasureRcvMss(p, len);
        if (BeforeOrEqual(seq, _rcvNxt))
        {
            _rcvQueued += Distance(_rcvNxt, end);
            _rcvNxt = end;
            if (!_ooo.IsEmpty)
            {
                uint next = _ooo.PullContiguous(_rcvNxt);
                _rcvQueued += Distance(_rcvNxt, next);
                _rcvNxt = next;
                if (_ooo.IsEmpty) _ackNow = true; // a hole was filled: tell the sender at once
            }
            OnDataReceivedForAck();
            MeasureReceiveRtt();
            if (len >= GrowWindowMinBytes) GrowWindow(len);
            _ackPending = true;
            if (_oooFinPending && _rcvNxt == _oooFinSeq) ProcessFin();
            WakeReader();
        }
        else
        {
            _ooo.Add(seq, end);
            ScheduleAckNow(); // a duplicate ACK carrying SACK blocks (RFC 5681 §4.2, RFC 2018)
        }
    }

    /// <summary>tcp_measure_rcv_mss: the peer's segment size, for the "ACK every second full segment" rule.</summary>
    private void MeasureRcvMss(Packet p, int len)
    {
        int seg = p.GsoSize > 0 ? p.GsoSize : len;
        if (seg > _rcvMss) _rcvMss = Math.Min(seg, _advMss);
    }

    private void ReceiveFin(uint finSeq)
    {
        if (After(finSeq, _rcvNxt))
        {
            _oooFinPending = true; // FIN beyond a hole: it takes effect when the hole fills
            _oooFinSeq = finSeq;
            ScheduleAckNow();
            return;
        }
        if (Before(finSeq, _rcvNxt))
        {
            ScheduleAckNow(); // a retransmitted FIN
            return;
        }
        ProcessFin();
    }

    /// <summary>tcp_fin: the peer has no more data.</summary>
    private void ProcessFin()
    {
        _rcvNxt++;
        _finReceived = true;
        _oooFinPending = false;
        _ackPending = true;
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                State = TcpState.CloseWait;
                _pingPong = true; // Linux delays this ACK hoping to send it with our own FIN
                break;
            case TcpState.FinWait1:
                State = TcpState.Closing; // simultaneous close
                _ackNow = true;
                break;
            case TcpState.FinWait2:
                _ackNow = true;
                EnterTimeWait();
                break;
        }
        WakeReader();
    }

    /// <summary>Flow metrics for an arriving segment: packets, bytes, one-way latency from the packet's creation.</summary>
    private void CountArrival(Packet p)
    {
        if (_peerFlow is null)
        {
            _peerFlow = _stack.Flows.Find(p.FlowId);
            if (_peerFlow is not null)
            {
                _flow.PeerFlowId = _peerFlow.Id;
                _peerFlow.PeerFlowId = _flow.Id;
            }
        }
        FlowMetrics? f = _peerFlow;
        if (f is null || f.Id != p.FlowId) f = _stack.Flows.Find(p.FlowId);
        if (f is null) return;
        long now = _sim.NowPicoseconds;
        f.PacketsReceived += p.SegmentCount;
        f.BytesReceived += p.PayloadLength;
        f.LastReceivePs = now;
        if (p.PayloadLength > 0) f.OneWayLatency.RecordPicoseconds(now - p.CreatedAt);
    }

    /// <summary>
    /// The application's recv(): one system call plus the copy of what is queued (up to the read size), on the
    /// socket's core; the application hears about it when the copy is done. recv() returning 0 reports the FIN.
    /// </summary>
    private void ScheduleRead()
    {
        if (_readInProgress || _wakePending || _handler is null) return;
        int bytes = (int)Math.Min(_rcvQueued, Options.ReadSizeBytes);
        if (bytes == 0 && !(_finReceived && !_peerClosedDelivered)) return;
        _readInProgress = true;
        _stack.Node.RpsSockFlows.Record(_rxHash, Core); // sock_rps_record_flow: RFS steers the flow to this reader's core
        long finish = _stack.ChargeCpu(Core, _costs.SyscallWithCopy(bytes));
        _sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.ReadComplete, bytes, null, _stack.Node.Id);
    }

    private void OnReadComplete(int bytes)
    {
        _readInProgress = false;
        if (State == TcpState.Closed) return;
        if (bytes > 0)
        {
            _rcvQueued -= bytes;
            _rcvCopied += bytes;
            AdjustReceiveSpace();
            if (_peerFlow is { } f)
            {
                long now = _sim.NowPicoseconds;
                f.BytesDelivered += bytes;
                if (f.FirstDeliveryPs < 0) f.FirstDeliveryPs = now;
                f.Delivered(now);
            }
            _handler?.OnReceived(this, bytes);
            if (State == TcpState.Closed) return;
            MaybeSendWindowUpdate();
        }
        else if (_finReceived && !_peerClosedDelivered)
        {
            _peerClosedDelivered = true;
            _handler?.OnPeerClosed(this);
            if (State == TcpState.Closed) return;
        }
        ScheduleRead();
    }

    /// <summary>tcp_cleanup_rbuf: after a read freed a lot of buffer, advertise the bigger window now.</summary>
    private void MaybeSendWindowUpdate()
    {
        if (State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)) return;
        long current = Math.Max(0, Distance(_rcvNxt, _rcvAdvRight));
        if (2 * current > WindowClamp) return;
        long fresh = SelectWindow();
        if (fresh > 0 && fresh >= 2 * current) SendAck(Core);
    }

    /// <summary>tcp_event_data_recv → tcp_rcv_rtt_measure; the first data starts the copy measurement (tcp_init_buffer_space).</summary>
    private void MeasureReceiveRtt()
    {
        long now = _sim.NowPicoseconds;
        if (!_rcvSpace.Started) _rcvSpace.Start(_rcvWnd, _advMss, _rcvCopied, now);
        _rcvSpace.MeasureRtt(_rcvNxt, _rcvWnd, now);
    }

    /// <summary>tcp_rcv_space_adjust after a read: grow sk_rcvbuf unless SO_RCVBUF locked it.</summary>
    private void AdjustReceiveSpace()
    {
        _rcvBuf = _rcvSpace.Adjust(_rcvCopied, _sim.NowPicoseconds, _rcvBuf, _advMss, !_rcvBufLocked);
    }

    /// <summary>tcp_bound_to_half_wnd's floor: 68 bytes less the TCP header (its options here).</summary>
    private const int MinBoundedMss = 68 - TcpHeader.BaseSize;

    /// <summary>max_window: the largest window the peer has offered; a new maximum re-bounds the MSS (tcp_sync_mss).</summary>
    private void NoteMaxWindow(long window)
    {
        if (window <= _maxSndWnd) return;
        _maxSndWnd = window;
        RecomputeMss();
    }

    /// <summary>tcp_event_data_recv grows the window only for segments of at least this many bytes.</summary>
    private const int GrowWindowMinBytes = 128;

    /// <summary>
    /// tcp_grow_window: each in-order skb raises rcv_ssthresh by twice its length (at least two segments), up to
    /// window_clamp and the free space, so the offered window follows the sender's slow start instead of
    /// jumping to the whole buffer. Payload bytes stand for truesize here (the adv_win_scale ratio covers overhead).
    /// </summary>
    private void GrowWindow(int len)
    {
        long room = Math.Min(WindowClamp, ReceiveWindow.WindowFromSpace(Math.Max(0, _rcvBuf - _rcvQueued - _ooo.Bytes))) - _rcvSsthresh;
        if (room <= 0) return;
        long incr = Math.Max(2L * _advMss, 2L * len);
        _rcvSsthresh += Math.Min(room, incr);
    }
}
