using NetSim.Engine.Packets;
using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// ACK processing and the congestion state machine (Linux's tcp_ack, tcp_fastretrans_alert, tcp_cong_control):
/// RTT sampling (RFC 6298, Karn), SACK scoreboard (RFC 2018/6675), loss detection by DupThresh (RFC 6675 IsLost,
/// or three duplicate ACKs with NewReno's partial-ACK handling, RFC 6582, when SACK is off), fast retransmit,
/// Proportional Rate Reduction during recovery (RFC 6937, as Linux), ECN reaction once per window (RFC 3168),
/// and the Loss state after an RTO. The sender's "pipe" (RFC 6675 §4) is computed over sequence ranges.
/// </summary>
public sealed partial class TcpSocket
{
    private CongestionWindow _w;
    private CongestionState _caState;
    /// <summary>HighRxt (RFC 6675): retransmissions this episode reached here.</summary>
    private uint _highRxt;
    /// <summary>Every unSACKed byte below this is deemed lost (RFC 6675 IsLost as a boundary; all outstanding after an RTO).</summary>
    private uint _lostBoundary;
    /// <summary>RecoveryPoint / recover / high_seq: recovery (or CWR, or Loss) ends when this is cumulatively ACKed.</summary>
    private uint _recoveryPoint;
    private int _dupAcks;
    /// <summary>Without SACK, duplicate ACKs stand for segments that left the network (Linux's tcp_add_reno_sack).</summary>
    private long _renoSacked;
    private long _prrDelivered;
    private long _prrOut;
    private long _priorCwndBytes;
    private long _reductionCwndBytes;
    private long _ackedBytesCarry;
    private bool _isCwndLimited;
    private long _maxOutstanding;
    private uint _cwndUsageSeq;
    private bool _retransmitHeadAgain;
    /// <summary>When the head (SND.UNA) was last retransmitted, for RACK's time-based loss check; -1 when it was not.</summary>
    private long _headRetransmitAtPs = -1;
    /// <summary>When RACK's reordering timer for the head's retransmission expires; -1 when not armed.</summary>
    private long _rackReoDeadlinePs = -1;

    /// <summary>Recovery internals in one line (diagnostics and tests).</summary>
    internal string DebugRecovery =>
        $"una={_sndUna - _iss} nxt={_sndNxt - _iss} highRxt={_highRxt - _iss} lost<{_lostBoundary - _iss} rp={_recoveryPoint - _iss} " +
        $"sacked={_scoreboard.SackedBytes} ranges={_scoreboard.IntervalCount} pipe={Pipe()} cwndB={CwndBytes} state={_caState} " +
        $"rtxHeadAgain={_retransmitHeadAgain} wnd={_sndWnd} rtxTimer={_retransmitTimer.IsArmed}@{_retransmitTimer.Deadline}";

    /// <summary>The congestion window in bytes; during PRR the reduction's own target (RFC 6937: cwnd = pipe + sndcnt).</summary>
    private long CwndBytes => _caState is CongestionState.Recovery or CongestionState.Cwr ? _reductionCwndBytes : (long)_w.Cwnd * _mss;

    /// <summary>
    /// RFC 6675 pipe: outstanding bytes minus those SACKed, minus those deemed lost and not yet retransmitted
    /// (Linux: packets_out − sacked_out − lost_out + retrans_out).
    /// </summary>
    private long Pipe()
    {
        long outstanding = Distance(_sndUna, _sndNxt);
        if (outstanding == 0) return 0;
        long left = outstanding - (_sackOk ? _scoreboard.SackedBytes : _renoSacked);
        uint from = Max(_highRxt, _sndUna);
        if (Before(from, _lostBoundary))
        {
            long lost = Distance(from, _lostBoundary);
            if (_sackOk) lost -= _scoreboard.SackedWithin(from, _lostBoundary);
            left -= lost;
        }
        return Math.Max(0, left);
    }

    /// <summary>The ACK field of an acceptable segment; false when the segment must be dropped.</summary>
    private bool ProcessAck(ref TcpHeader h, uint seq, int len, TcpFlags flags, int core)
    {
        uint ack = h.AcknowledgmentNumber;
        if (After(ack, _sndNxt))
        {
            ForceAck(core); // it acknowledges something never sent (RFC 9293 §3.10.7.4)
            return false;
        }
        if (Before(ack, _sndUna)) return true; // an old duplicate: ignore its ACK field
        long windowBefore = _sndWnd;
        UpdateSendWindow(ref h, seq, ack);
        OnAck(ref h, ack, len, flags, _sndWnd != windowBefore);
        if (_finSent && ack == _writeSeq + 1) OnFinAcked();
        return State != TcpState.Closed;
    }

    /// <summary>tcp_may_update_window (RFC 9293's SND.WL1/WL2 rule, as Linux words it).</summary>
    private void UpdateSendWindow(ref TcpHeader h, uint seq, uint ack)
    {
        long window = (long)h.Window << _sndWscale;
        if (After(ack, _sndUna) || After(seq, _sndWl1) || (seq == _sndWl1 && (window > _sndWnd || window == 0)))
        {
            _sndWnd = window;
            _sndWl1 = seq;
            _sndWl2 = ack;
            NoteMaxWindow(window);
        }
    }

    private void OnAck(ref TcpHeader h, uint ack, int len, TcpFlags flags, bool windowChanged)
    {
        uint priorUna = _sndUna;
        long ackedSeq = Distance(priorUna, ack);
        long newlySacked = 0;
        if (_sackOk)
            for (int i = 0; i < h.SackBlockCount; i++)
                newlySacked += _scoreboard.Add(h.Sack[i].Left, h.Sack[i].Right, priorUna, _sndNxt);
        long sackCovered = 0;
        if (ackedSeq > 0)
        {
            long sentAt = _sent.Acknowledge(priorUna, ack);
            long sample = sentAt >= 0 ? _sim.NowPicoseconds - sentAt : TimestampRttSample(ref h);
            if (sample > 0)
            {
                _rtt.AddSample(sample);
                _backoff = 0; // RFC 6298 §5.7: a valid sample resets the backoff
            }
            _sndUna = ack;
            sackCovered = _scoreboard.AdvanceTo(ack);
            if (Before(_highRxt, ack)) _highRxt = ack;
            if (Before(_lostBoundary, ack)) _lostBoundary = ack;
            bool finAcked = _finSent && ack == _writeSeq + 1;
            BytesAcked += ackedSeq - (finAcked ? 1 : 0);
            _retries = 0;
            if (BytesInFlight > 0) ArmRetransmitTimer(); // RFC 6298 §5.3
            else _retransmitTimer.Cancel();
        }
        bool dupAck = ackedSeq == 0 && len == 0 && (flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && !windowChanged && BytesInFlight > 0;
        long delivered = ackedSeq + newlySacked - sackCovered; // RFC 6937 DeliveredData
        if (!_sackOk) delivered += CountRenoDuplicates(dupAck, ackedSeq);
        bool ece = _ecnOk && (flags & TcpFlags.Ece) != 0;
        UpdateCongestionState(ack, ackedSeq, delivered, ece);
    }

    /// <summary>
    /// tcp_rtt_tsopt_us: when every newly ACKed byte was retransmitted (no Karn-safe sample), the echoed timestamp
    /// still times the transmission the receiver saw (RFC 7323 §4.1), at the 1 ms clock's resolution and at least 1 ms.
    /// </summary>
    private long TimestampRttSample(ref TcpHeader h)
    {
        if (!_tsOk || !h.HasTimestamps || h.TimestampEcho == 0) return -1;
        long deltaMs = (int)(TimestampNow() - h.TimestampEcho);
        if (deltaMs < 0) return -1;
        return Math.Max(1, deltaMs) * Engine.Core.SimTime.PicosPerMillisecond;
    }

    /// <summary>tcp_add_reno_sack / tcp_remove_reno_sacks; returns the change in "SACKed" bytes.</summary>
    private long CountRenoDuplicates(bool dupAck, long ackedSeq)
    {
        long before = _renoSacked;
        if (dupAck)
        {
            _dupAcks++;
            _renoSacked = Math.Min(_renoSacked + _mss, Math.Max(0, BytesInFlight - _mss));
        }
        else if (ackedSeq > 0)
        {
            _renoSacked = Math.Max(0, _renoSacked - Math.Max(0, ackedSeq - _mss)); // one ACK filled the hole, the rest ate duplicates
            if (_caState == CongestionState.Open) _dupAcks = 0;
        }
        return _renoSacked - before;
    }

    private void UpdateCongestionState(uint ack, long ackedSeq, long delivered, bool ece)
    {
        switch (_caState)
        {
            case CongestionState.Recovery:
                if (AfterOrEqual(ack, _recoveryPoint))
                {
                    EndReduction(); // full ACK: recovery is over (RFC 6582 §3.2 step 3, RFC 6675 §5)
                    break;
                }
                if (_sackOk)
                {
                    _lostBoundary = Max(_lostBoundary, _scoreboard.LostBoundary(_sndUna, _mss, LinuxDefaults.DupThresh));
                    DetectLostRetransmission();
                }
                else if (ackedSeq > 0) MarkHeadLost(); // NewReno partial ACK: the next hole is lost (RFC 6582 §3.2 step 4)
                ReduceCwnd(delivered);
                return;
            case CongestionState.Loss:
                if (AfterOrEqual(ack, _recoveryPoint))
                {
                    _caState = CongestionState.Open; // everything outstanding at the RTO is delivered
                    _lostBoundary = _sndUna;
                    break;
                }
                if (_sackOk)
                {
                    _lostBoundary = Max(_lostBoundary, _scoreboard.LostBoundary(_sndUna, _mss, LinuxDefaults.DupThresh));
                    DetectLostRetransmission();
                }
                if (ackedSeq > 0) GrowCwnd(ackedSeq); // slow start from the loss window
                return;
            case CongestionState.Cwr:
                if (AfterOrEqual(ack, _recoveryPoint)) EndReduction();
                break;
        }

        if (DetectLoss())
        {
            EnterRecovery();
            ReduceCwnd(delivered);
            return;
        }
        if (_caState == CongestionState.Cwr)
        {
            ReduceCwnd(delivered);
            return;
        }
        if (ece && ackedSeq > 0)
        {
            EnterCwr();
            ReduceCwnd(delivered);
            return;
        }
        _caState = _scoreboard.IntervalCount > 0 || _dupAcks > 0 ? CongestionState.Disorder : CongestionState.Open;
        if (ackedSeq > 0 && IsCwndLimited()) GrowCwnd(ackedSeq);
    }

    /// <summary>tcp_time_to_recover: RFC 6675 IsLost(SND.UNA), or DupThresh duplicate ACKs without SACK (not again below "recover", RFC 6582 §3.2 step 1).</summary>
    private bool DetectLoss()
    {
        if (BytesInFlight == 0) return false;
        if (_sackOk)
        {
            uint lost = _scoreboard.LostBoundary(_sndUna, _mss, LinuxDefaults.DupThresh);
            if (!After(lost, _sndUna)) return false;
            _lostBoundary = lost;
            return true;
        }
        return _dupAcks >= LinuxDefaults.DupThresh && After(_sndUna, _recoveryPoint);
    }

    /// <summary>
    /// Lost retransmission of the first hole (Linux's tcp_mark_lost_retrans, the job RACK does today): when more than
    /// (DupThresh − 1)·SMSS of data sent after that retransmission is SACKed while the hole is still open, the
    /// retransmission was lost too, and is sent again without waiting for the RTO.
    /// </summary>
    private void DetectLostRetransmission()
    {
        if (_retransmitHeadAgain || !_sent.TryGetHeadRetransmitMark(out uint mark)) return;
        if (_scoreboard.SackedWithin(mark, _sndNxt) > (long)(LinuxDefaults.DupThresh - 1) * _mss) _retransmitHeadAgain = true;
        // RACK (RFC 8985 §6.2) when a whole window was lost and no new data follows: recovery retransmits in sequence
        // order, so retransmissions SACKed above the head left after it; if the head stays open for more than an RTT
        // plus RACK's reordering window (RTT/4) after its own retransmission, that retransmission was lost too.
        else if (_headRetransmitAtPs >= 0 && _rtt.HasSample && _sim.NowPicoseconds - _headRetransmitAtPs > _rtt.SrttPs * 5 / 4 &&
                 _scoreboard.SackedWithin(_sndUna, _highRxt) > 0)
            _retransmitHeadAgain = true;
    }

    private void MarkHeadLost()
    {
        _lostBoundary = _sndUna + (uint)Math.Min(_mss, BytesInFlight);
        if (Before(_highRxt, _sndUna)) _highRxt = _sndUna;
    }

    /// <summary>tcp_enter_recovery: fast retransmit; the reduction follows PRR.</summary>
    private void EnterRecovery()
    {
        _flow.FastRecoveries++;
        StartReduction();
        _recoveryPoint = _sndNxt;
        _highRxt = _sndUna;
        _headRetransmitAtPs = -1;
        _rackReoDeadlinePs = -1;
        _caState = CongestionState.Recovery;
        if (!_sackOk) MarkHeadLost();
    }

    /// <summary>tcp_enter_cwr: an ECN echo reduces cwnd once per window of data (RFC 3168 §6.1.2).</summary>
    private void EnterCwr()
    {
        _flow.EcnReductions++;
        StartReduction();
        _recoveryPoint = _sndNxt;
        _caState = CongestionState.Cwr;
        _cwrPending = true;
    }

    /// <summary>tcp_init_cwnd_reduction.</summary>
    private void StartReduction()
    {
        _w.Ssthresh = _cc.SsthreshOnCongestion(ref _w);
        _w.CwndCount = 0;
        _priorCwndBytes = Math.Max(_mss, (long)_w.Cwnd * _mss);
        _reductionCwndBytes = _priorCwndBytes;
        _prrDelivered = 0;
        _prrOut = 0;
    }

    /// <summary>tcp_cwnd_reduction: Proportional Rate Reduction with slow-start reduction bound (RFC 6937 §3).</summary>
    private void ReduceCwnd(long delivered)
    {
        if (delivered <= 0) return;
        _prrDelivered += delivered;
        long pipe = Pipe();
        long ssthreshBytes = (long)_w.Ssthresh * _mss;
        long sndcnt;
        if (pipe > ssthreshBytes)
        {
            Int128 dividend = (Int128)_prrDelivered * ssthreshBytes + _priorCwndBytes - 1;
            sndcnt = (long)(dividend / _priorCwndBytes) - _prrOut;
        }
        else
        {
            sndcnt = Math.Min(ssthreshBytes - pipe, Math.Max(_prrDelivered - _prrOut, delivered) + _mss);
        }
        if (_prrOut == 0 && _caState == CongestionState.Recovery) sndcnt = Math.Max(sndcnt, _mss); // the fast retransmit goes out
        sndcnt = Math.Max(sndcnt, 0);
        _reductionCwndBytes = pipe + sndcnt;
        _w.Cwnd = (int)Math.Max(1, _reductionCwndBytes / _mss);
    }

    /// <summary>tcp_end_cwnd_reduction: cwnd = ssthresh, back to Open.</summary>
    private void EndReduction()
    {
        _rackReoDeadlinePs = -1;
        if (_w.Ssthresh < CongestionWindow.InfiniteSsthresh) _w.Cwnd = Math.Max(1, _w.Ssthresh);
        _w.CwndCount = 0;
        _caState = CongestionState.Open;
        _dupAcks = 0;
        _renoSacked = 0;
        _lostBoundary = _sndUna;
        _highRxt = Max(_highRxt, _sndUna);
    }

    /// <summary>tcp_enter_loss: the RTO fired; everything outstanding and unSACKed is lost; cwnd = 1 (RFC 5681 §3.1 loss window).</summary>
    private void EnterLoss()
    {
        _rackReoDeadlinePs = -1;
        bool newEpisode = _caState is CongestionState.Open or CongestionState.Disorder or CongestionState.Cwr || _sndUna == _recoveryPoint;
        if (newEpisode) _w.Ssthresh = _cc.SsthreshOnCongestion(ref _w);
        _cc.OnTimeout();
        _w.Cwnd = 1;
        _w.CwndCount = 0;
        _ackedBytesCarry = 0;
        _caState = CongestionState.Loss;
        _recoveryPoint = _sndNxt;
        _lostBoundary = _sndNxt;
        _highRxt = _sndUna;
        _dupAcks = 0;
        _renoSacked = 0;
        _retransmitHeadAgain = false;
    }

    /// <summary>tcp_cong_control → cong_avoid, counting ACKed bytes in whole segments (RFC 3465 byte counting).</summary>
    private void GrowCwnd(long ackedBytes)
    {
        _ackedBytesCarry += ackedBytes;
        int segments = (int)Math.Min(_ackedBytesCarry / _mss, int.MaxValue);
        if (segments == 0) return;
        _ackedBytesCarry -= (long)segments * _mss;
        _cc.OnAck(ref _w, segments, _sim.NowPicoseconds, _rtt);
    }

    /// <summary>tcp_is_cwnd_limited: cwnd grows only while it limits the sender (RFC 7661's spirit), or in slow start below twice the usage.</summary>
    private bool IsCwndLimited()
    {
        if (_isCwndLimited) return true;
        return _w.InSlowStart && (long)_w.Cwnd * _mss < 2 * _maxOutstanding;
    }

    /// <summary>tcp_cwnd_validate: remember, per window of data, whether cwnd was the limit and the most outstanding.</summary>
    private void ValidateCwnd(bool cwndLimited)
    {
        if (!Before(_sndUna, _cwndUsageSeq) || (cwndLimited && !_isCwndLimited))
        {
            _isCwndLimited = cwndLimited;
            _maxOutstanding = BytesInFlight;
            _cwndUsageSeq = _sndNxt;
        }
        else if (BytesInFlight > _maxOutstanding)
        {
            _maxOutstanding = BytesInFlight;
        }
    }

    /// <summary>sk_stream_write_space: wake a writer that hit a full buffer once the free space is at least half the queued bytes.</summary>
    private void WakeWriter()
    {
        if (!_sendBlocked || State is not (TcpState.Established or TcpState.CloseWait)) return;
        long queued = SendQueued;
        if (SendBufferFree < queued / 2) return;
        _sendBlocked = false;
        _handler?.OnSendSpace(this);
    }
}
