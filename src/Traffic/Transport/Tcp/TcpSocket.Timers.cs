using NetSim.Engine.Core;
using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The three timers (icsk_retransmit_timer, icsk_delack_timer, the TIME_WAIT/FIN_WAIT_2 timer) and the delayed-ACK
/// engine: quick-ACK mode at the start (TCP_MAX_QUICKACKS), then an ACK for every second full segment or after
/// TCP_DELACK_MIN (40 ms), and interactive ("ping-pong") mode where ACKs wait to ride on replies.
/// </summary>
public sealed partial class TcpSocket
{
    private bool _ackPending;   // ICSK_ACK_SCHED: received data not yet acknowledged
    private bool _ackNow;       // ICSK_ACK_NOW: acknowledge without delay
    private int _quickAcks;     // icsk_ack.quick
    private bool _pingPong;     // inet_csk_in_pingpong_mode
    private bool _atoStarted;   // icsk_ack.ato != 0
    private long _lastRecvPs = -1;
    private int _backoff;       // icsk_backoff
    private int _retries;       // icsk_retransmits
    /// <summary>When the RTO proper expires (the timer may be set earlier for RACK's reordering deadline).</summary>
    private long _rtoDueAtPs;
    private bool _inAcceptQueue;

    /// <summary>The RTO, or RACK's reordering timer when that is due first (tcp_rearm_rto / tcp_rack_reo_timeout).</summary>
    private void ArmRetransmitTimer()
    {
        var rto = new SimTime(_rtt.BackedOff(_backoff));
        _rtoDueAtPs = _sim.NowPicoseconds + rto.Picoseconds;
        if (_rackReoDeadlinePs >= 0 && _rackReoDeadlinePs < _sim.NowPicoseconds + rto.Picoseconds)
            _retransmitTimer.ArmAt(new SimTime(Math.Max(_rackReoDeadlinePs, _sim.NowPicoseconds)));
        else _retransmitTimer.Arm(rto);
    }

    /// <summary>
    /// RACK's reordering timer expired in recovery with the head still open: its retransmission was lost (RFC 8985
    /// §6.2, §7.3 when no further ACK arrives to tell); send it again now rather than at the RTO. False when this
    /// expiry was the RTO itself.
    /// </summary>
    private bool OnRackReorderTimeout()
    {
        if (_rackReoDeadlinePs < 0 || _sim.NowPicoseconds < _rackReoDeadlinePs) return false;
        _rackReoDeadlinePs = -1;
        if (_caState != CongestionState.Recovery || BytesInFlight == 0) return false;
        _retransmitHeadAgain = true;
        TryTransmit(Core);
        if (!_retransmitTimer.IsArmed) ArmRetransmitTimer();
        return true;
    }

    private void ScheduleAckNow()
    {
        _ackPending = true;
        _ackNow = true;
    }

    /// <summary>__tcp_ack_snd_check: ACK now, or leave it to the delayed-ACK timer.</summary>
    private void AckCheck(int core)
    {
        if (!_ackPending || State is TcpState.Closed or TcpState.SynSent) return;
        bool now = _ackNow
                   || !Options.DelayedAck
                   || Distance(_rcvWup, _rcvNxt) > _rcvMss   // more than one full segment unacknowledged (RFC 5681 §4.2)
                   || (_quickAcks > 0 && !_pingPong)
                   || !_ooo.IsEmpty;                         // out-of-order data: duplicate ACKs go at once
        if (now) SendAck(core);
        else if (!_delayedAckTimer.IsArmed) _delayedAckTimer.Arm(LinuxDefaults.DelayedAckTimeout);
    }

    /// <summary>tcp_event_ack_sent: an ACK left (pure or piggybacked on data).</summary>
    private void AckSent()
    {
        if (_ackPending && _quickAcks > 0) _quickAcks--;
        _ackPending = false;
        _ackNow = false;
        _delayedAckTimer.Cancel();
    }

    /// <summary>tcp_event_data_recv: starts quick-ACK mode on the first data, and again after an idle longer than the RTO.</summary>
    private void OnDataReceivedForAck()
    {
        long now = _sim.NowPicoseconds;
        if (!_atoStarted)
        {
            _atoStarted = true;
            IncreaseQuickAck(LinuxDefaults.MaxQuickAcks);
        }
        else if (now - _lastRecvPs > _rtt.RtoPs)
        {
            IncreaseQuickAck(LinuxDefaults.MaxQuickAcks);
        }
        _lastRecvPs = now;
    }

    /// <summary>tcp_incr_quickack: up to half the receive window in segments, at least 2, at most <paramref name="max"/>.</summary>
    private void IncreaseQuickAck(int max)
    {
        long window = Math.Max(0, Distance(_rcvNxt, _rcvAdvRight));
        int quick = (int)Math.Min(window / (2L * _rcvMss), int.MaxValue);
        if (quick == 0) quick = 2;
        quick = Math.Min(quick, max);
        if (quick > _quickAcks) _quickAcks = quick;
    }

    /// <summary>tcp_enter_quickack_mode: ACK at once for a while and leave interactive mode.</summary>
    private void EnterQuickAck()
    {
        IncreaseQuickAck(LinuxDefaults.MaxQuickAcks);
        _pingPong = false;
    }

    /// <summary>tcp_delack_timer_handler: the delayed ACK is due; a missed reply ends interactive mode.</summary>
    private void OnDelayedAckTimer()
    {
        if (!_ackPending || State is TcpState.Closed or TcpState.SynSent) return;
        _pingPong = false;
        SendAck(Core);
    }

    /// <summary>tcp_retransmit_timer (and tcp_probe_timer when nothing is in flight).</summary>
    private void OnRetransmitTimer()
    {
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.TimeWait:
            case TcpState.FinWait2:
                return;
            case TcpState.SynSent:
                if (_retries >= LinuxDefaults.SynRetries)
                {
                    Finish(TcpCloseReason.Timeout);
                    return;
                }
                _retries++;
                _backoff++;
                SendSyn(Core);
                return;
            case TcpState.SynReceived:
                if (_retries >= LinuxDefaults.SynAckRetries)
                {
                    Finish(TcpCloseReason.Timeout);
                    return;
                }
                _retries++;
                _backoff++;
                SendSynAck(Core);
                return;
        }
        if (BytesInFlight == 0)
        {
            if (!HasUnsentData) return;
            SendWindowProbe(Core); // persist timer: the peer's window is zero
            _backoff++;
            ArmRetransmitTimer();
            return;
        }
        if (OnRackReorderTimeout()) return;
        if (_sim.NowPicoseconds < _rtoDueAtPs)
        {
            // The timer was set early for a RACK deadline that the end of recovery cancelled: the RTO is not due yet.
            _retransmitTimer.ArmAt(new SimTime(_rtoDueAtPs));
            return;
        }
        if (_retries >= LinuxDefaults.Retries2)
        {
            Finish(TcpCloseReason.Timeout); // tcp_write_err: ETIMEDOUT
            return;
        }
        _flow.Timeouts++;
        EnterLoss();
        _retries++;
        _backoff++; // RFC 6298 §5.5: back off the timer
        TryTransmit(Core);
        if (!_retransmitTimer.IsArmed) ArmRetransmitTimer();
    }

    private void EnterTimeWait()
    {
        State = TcpState.TimeWait;
        _retransmitTimer.Cancel();
        _timeWaitTimer.Arm(LinuxDefaults.TimeWaitLength); // TCP_TIMEWAIT_LEN, not 2×MSL
        NotifyClosed(TcpCloseReason.Normal);
    }

    private void OnTimeWaitTimer()
    {
        if (State is TcpState.TimeWait or TcpState.FinWait2) Finish(TcpCloseReason.Normal);
    }

    /// <summary>Our FIN was acknowledged.</summary>
    private void OnFinAcked()
    {
        switch (State)
        {
            case TcpState.FinWait1:
                State = TcpState.FinWait2;
                _retransmitTimer.Cancel();
                _timeWaitTimer.Arm(LinuxDefaults.FinTimeout); // an orphaned FIN_WAIT_2 socket lives tcp_fin_timeout
                break;
            case TcpState.Closing:
                EnterTimeWait();
                break;
            case TcpState.LastAck:
                Finish(TcpCloseReason.Normal);
                break;
        }
    }

    /// <summary>
    /// A SYN for this TIME_WAIT 4-tuple may open a new connection when it is clearly newer (Linux's
    /// tcp_timewait_state_process, RFC 6191): its sequence is beyond what we received, or its timestamp is newer.
    /// </summary>
    internal bool AcceptsNewSyn(uint seq, bool hasTimestamp, uint tsVal) =>
        State == TcpState.TimeWait &&
        (After(seq, _rcvNxt) || (_tsOk && hasTimestamp && (int)(tsVal - _tsRecent) > 0));

    /// <summary>Ends TIME_WAIT early because a new incarnation of the connection takes over the 4-tuple.</summary>
    internal void ReleaseTimeWait() => Finish(TcpCloseReason.Normal);

    /// <summary>accept() returned this socket to the application.</summary>
    internal void OnAccepted(ITcpSocketHandler handler)
    {
        _inAcceptQueue = false;
        SetHandler(handler);
        handler.OnConnected(this);
    }

    internal bool InAcceptQueue => _inAcceptQueue;
}
