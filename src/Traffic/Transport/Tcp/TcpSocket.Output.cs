using NetSim.Engine.Packets;
using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>Building and sending segments: tcp_write_xmit, tcp_transmit_skb, tcp_send_ack, window selection, TSO sizing.</summary>
public sealed partial class TcpSocket
{
    private readonly uint _iss;
    private uint _sndUna;
    private uint _sndNxt;
    /// <summary>End of the data the application has written (Linux write_seq); the FIN, once sent, sits at this sequence.</summary>
    private uint _writeSeq;
    private uint _sndWl1;
    private uint _sndWl2;
    /// <summary>End of the last small (sub-MSS) segment sent, for Minshall's Nagle test (tcp_minshall_check).</summary>
    private uint _sndSml;
    /// <summary>The peer's receive window in bytes (scaled).</summary>
    private long _sndWnd;
    private int _sndWscale;
    private int _peerMss;
    private int _mss;
    private bool _finQueued;
    private bool _finSent;
    private bool _sendBlocked;
    private bool _ecnOk;
    private bool _cwrPending;
    private long _synSentAtPs = -1;
    private bool _synRetransmitted;
    private long _connectStartPs;
    /// <summary>The core that sent the socket's last data; -1 before any.</summary>
    private int _txCore = -1;
    /// <summary>When the socket last sent data (Linux tcp_wstamp_ns); -1 before any.</summary>
    private long _lastDataSentPs = -1;

    private bool HasUnsentData => Before(_sndNxt, _writeSeq) || (_finQueued && !_finSent && _copyPending == 0);

    /// <summary>
    /// connect(): the system call and socket setup on the application's core; the SYN is built when they finish
    /// (tcp_connect at the end of the call), so a trace shows that time as the connect's CPU, not as the SYN queueing.
    /// </summary>
    internal void StartConnect()
    {
        _connectStartPs = _sim.NowPicoseconds;
        long setupDone = _stack.ChargeCpu(Core, _costs.Syscall.For(0) + _costs.TcpConnect.For(0));
        State = TcpState.SynSent;
        _sim.ScheduleAtPicoseconds(setupDone, this, TransportEventKinds.ConnectSetupDone, 0, null, _stack.Node.Id);
    }

    /// <summary>tcp_connect: the first SYN, unless the socket was closed while connect() was still setting up.</summary>
    private void OnConnectSetupDone()
    {
        if (State == TcpState.SynSent) SendSyn(Core);
    }

    /// <summary>A listener's SYN arrived for this new socket: remember the peer's options and answer SYN-ACK.</summary>
    internal void AcceptSyn(Packet syn, TcpListener listener, int core)
    {
        ref TcpHeader h = ref syn.Tcp;
        _listener = listener;
        _inAcceptQueue = true;
        _connectStartPs = _sim.NowPicoseconds;
        _irs = h.SequenceNumber;
        _rcvNxt = _irs + 1;
        _rcvWup = _rcvNxt;
        ApplyPeerSynOptions(ref h);
        _ecnOk = Options.Ecn != EcnMode.Off && (h.Flags & (TcpFlags.Ece | TcpFlags.Cwr)) == (TcpFlags.Ece | TcpFlags.Cwr);
        _sndWnd = h.Window;
        NoteMaxWindow(_sndWnd);
        _sndWl1 = _irs;
        _sndWl2 = _iss;
        State = TcpState.SynReceived;
        SendSynAck(core);
    }

    private void SendSyn(int core)
    {
        TcpFlags flags = TcpFlags.Syn;
        if (Options.Ecn == EcnMode.On) flags |= TcpFlags.Ece | TcpFlags.Cwr; // ECN-setup SYN (RFC 3168 §6.1.1)
        Packet p = NewSegment(core, _iss, 0, flags);
        ref TcpHeader t = ref p.Tcp;
        t.MaxSegmentSize = (ushort)_advMss;
        t.SackPermitted = Options.Sack;
        t.HasWindowScale = Options.WindowScaling;
        t.WindowScale = (byte)_rcvWscale;
        t.HasTimestamps = Options.Timestamps;
        t.TimestampValue = TimestampNow();
        t.Window = (ushort)SynWindow();
        SynSent(p);
    }

    private void SendSynAck(int core)
    {
        TcpFlags flags = TcpFlags.Syn | TcpFlags.Ack;
        if (_ecnOk) flags |= TcpFlags.Ece; // ECN-setup SYN-ACK
        Packet p = NewSegment(core, _iss, 0, flags);
        ref TcpHeader t = ref p.Tcp;
        t.MaxSegmentSize = (ushort)_advMss;
        t.SackPermitted = _sackOk;
        t.HasWindowScale = _wscaleOk;
        t.WindowScale = (byte)(_wscaleOk ? _rcvWscale : 0);
        t.HasTimestamps = _tsOk;
        t.TimestampValue = TimestampNow();
        t.TimestampEcho = _tsRecent;
        _rcvWnd = SynWindow();
        t.Window = (ushort)_rcvWnd;
        _rcvAdvRight = _rcvNxt + (uint)_rcvWnd;
        SynSent(p);
    }

    private void SynSent(Packet p)
    {
        if (_synSentAtPs < 0) _synSentAtPs = _sim.NowPicoseconds;
        else _synRetransmitted = true;
        _sndNxt = _iss + 1;
        Emit(p, EcnCodepoint.NotEct);
        ArmRetransmitTimer();
    }

    /// <summary>
    /// tcp_write_xmit: send what the congestion window (pipe &lt; cwnd, RFC 6675 §5), the peer's window, Nagle and
    /// the data allow — lost segments first during recovery, then new data in TSO-sized super-packets.
    /// </summary>
    private void TryTransmit(int core)
    {
        if (State is not (TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck))
            return;
        core = TransmitCore(core);
        int mss = CurrentMss();
        bool cwndLimited = false;
        bool sent = false;
        while (true)
        {
            long room = CwndBytes - Pipe();
            if (room <= 0)
            {
                cwndLimited = true;
                break;
            }
            if (_caState >= CongestionState.Recovery && RetransmitLost(core, room, mss))
            {
                sent = true;
                continue;
            }
            int r = SendNewData(core, room, mss);
            if (r > 0)
            {
                sent = true;
                continue;
            }
            cwndLimited = r < 0;
            break;
        }
        if (sent) _txCore = core;
        if (sent || cwndLimited) ValidateCwnd(cwndLimited);
        if (!_retransmitTimer.IsArmed && BytesInFlight == 0 && HasUnsentData) ArmRetransmitTimer(); // zero-window probe (persist)
    }

    /// <summary>
    /// The core this transmission runs on: the caller's, unless the core that sent the socket's last data is still
    /// busy (its packets may still be on their way down the stack there). Like XPS's ooo_okay, a flow moves only
    /// when nothing of it is queued, so its segments cannot overtake each other on the way to the wire.
    /// </summary>
    private int TransmitCore(int core)
    {
        if (_txCore < 0 || _txCore == core) return core;
        return _stack.Node.Cpu[_txCore].BusyUntil > _sim.NowPicoseconds ? _txCore : core;
    }

    /// <summary>Retransmits the first lost, unSACKed range (RFC 6675 NextSeg rule 1); false when nothing is due or cwnd is short.</summary>
    private bool RetransmitLost(int core, long room, int mss)
    {
        uint from = _retransmitHeadAgain ? _sndUna : Max(_highRxt, _sndUna);
        if (!Before(from, _lostBoundary)) return false;
        uint holeStart, holeEnd;
        if (_sackOk)
        {
            if (!_scoreboard.NextHole(from, _lostBoundary, out holeStart, out holeEnd)) return false;
        }
        else
        {
            holeStart = from;
            holeEnd = _lostBoundary;
        }
        long hole = Distance(holeStart, holeEnd);
        long len = Math.Min(hole, Math.Min(room, TsoBytes(mss)));
        if (len < mss && len < hole) return false; // wait for room for a full segment
        if (len > mss && len < hole) len -= len % mss;
        bool fin = _finSent && holeStart + (uint)len == _writeSeq + 1;
        int payload = (int)len - (fin ? 1 : 0);
        Packet p = DataSegment(core, holeStart, payload, fin, retransmission: true, mss);
        int segs = p.SegmentCount;
        Emit(p, EcnCodepoint.NotEct); // RFC 3168 §6.1.5: retransmissions are not ECT
        _sent.MarkRetransmitted(_sndUna, holeStart, holeStart + (uint)len, _sndNxt);
        _highRxt = Max(_highRxt, holeStart + (uint)len);
        if (holeStart == _sndUna)
        {
            _retransmitHeadAgain = false;
            _headRetransmitAtPs = _sim.NowPicoseconds;
            // RACK: if no ACK shows this retransmission arrived within an RTT plus RTT/4, it is lost too.
            _rackReoDeadlinePs = _caState == CongestionState.Recovery && _rtt.HasSample ? _sim.NowPicoseconds + _rtt.SrttPs * 5 / 4 : -1;
            ArmRetransmitTimer(); // the head was retransmitted: restart the RTO (tcp_xmit_retransmit_queue)
        }
        _flow.RetransmittedPackets += segs;
        _flow.RetransmittedBytes += payload;
        AfterDataSent(payload, fin);
        return true;
    }

    /// <summary>Sends new data (or a bare FIN). 1 = sent, 0 = nothing to send now, -1 = cwnd too small for a segment.</summary>
    private int SendNewData(int core, long room, int mss)
    {
        bool finPending = _finQueued && !_finSent && _copyPending == 0; // the FIN follows the last byte written
        long avail = Distance(_sndNxt, _writeSeq);
        if (avail <= 0)
        {
            if (!finPending) return 0;
            Emit(DataSegment(core, _sndNxt, 0, fin: true, retransmission: false, mss), EcnCodepoint.NotEct);
            _sndNxt++;
            _finSent = true;
            _sent.Append(_sndNxt, _sim.NowPicoseconds);
            AfterDataSent(0, true);
            return 1;
        }
        long wndRoom = (int)(_sndUna + (uint)Math.Min(_sndWnd, int.MaxValue) - _sndNxt);
        if (wndRoom <= 0) return 0; // zero window: the persist timer probes
        long tso = TsoBytes(mss), skb = Math.Min(avail, tso);
        if (TsoShouldDefer(skb, tso, room, wndRoom, mss, finPending)) return room < wndRoom && room <= skb ? -1 : 0; // -1: held by cwnd
        long len = Math.Min(Math.Min(avail, room), Math.Min(wndRoom, tso));
        if (len < avail && len < mss) return room < mss ? -1 : 0; // sender SWS avoidance: full segments unless it is the tail
        if (len < avail && len > mss) len -= len % mss;            // a super-packet holds whole segments (tcp_mss_split_point)
        if (len < mss && NagleHolds(finPending && len == avail)) return 0;
        bool fin = finPending && len == avail;
        bool ect = _ecnOk;
        Packet p = DataSegment(core, _sndNxt, (int)len, fin, retransmission: false, mss);
        Emit(p, ect ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct);
        uint end = _sndNxt + (uint)len + (fin ? 1u : 0u);
        if (len < mss) _sndSml = _sndNxt + (uint)len;
        _sndNxt = end;
        if (fin) _finSent = true;
        _sent.Append(end, _sim.NowPicoseconds);
        AfterDataSent((int)len, fin);
        return 1;
    }

    /// <summary>
    /// tcp_tso_should_defer: rather than cut a small super-packet from a window that an ACK in flight will soon widen,
    /// wait for that ACK, so a bulk sender keeps sending full TSO/GSO packets (and pays its per-packet costs once per
    /// 64 KB). Linux sends at once when a full packet fits (<paramref name="tso"/>), when a third of the window is open
    /// (tcp_tso_win_divisor 3), when the socket has sent nothing for a millisecond, when the oldest unacknowledged
    /// data left less than half an RTT ago (its ACK is not due yet), in recovery, and for a FIN; otherwise it defers.
    /// <paramref name="skb"/> is the packet waiting to go (what is written, up to the size goal).
    /// </summary>
    private bool TsoShouldDefer(long skb, long tso, long room, long wndRoom, int mss, bool finPending)
    {
        if (skb <= mss || !Options.SegmentationOffload || _caState >= CongestionState.Recovery) return false;
        long now = _sim.NowPicoseconds;
        if (_lastDataSentPs < 0 || now - _lastDataSentPs > Engine.Core.SimTime.PicosPerMillisecond) return false;
        long limit = Math.Min(room, wndRoom);
        if (limit >= tso) return false;
        long chunk = Math.Min(_sndWnd, CwndBytes) / LinuxDefaults.TsoWinDivisor;
        if (limit >= chunk) return false;
        long headSentPs = _sent.HeadSentAtPs;
        if (headSentPs < 0 || now - headSentPs < _rtt.SrttPs / 2) return false;
        if (room < wndRoom ? room <= skb : wndRoom <= skb) return true; // cwnd- or rwnd-limited: wait for the window
        return !(finPending && skb >= Distance(_sndNxt, _writeSeq)); // application-limited: more may be written, unless a FIN ends it
    }

    /// <summary>Nagle (RFC 896) as Linux applies it (Minshall): hold a small segment while an earlier small one is unacknowledged.</summary>
    private bool NagleHolds(bool carriesFin) =>
        !Options.NoDelay && !carriesFin && BytesInFlight > 0 && After(_sndSml, _sndUna);

    private Packet DataSegment(int core, uint seq, int payload, bool fin, bool retransmission, int mss)
    {
        TcpFlags flags = TcpFlags.Ack;
        if (fin) flags |= TcpFlags.Fin;
        if (payload > 0 && seq + (uint)payload == _writeSeq) flags |= TcpFlags.Psh;
        if (_eceEcho) flags |= TcpFlags.Ece;
        if (_cwrPending && payload > 0 && !retransmission)
        {
            flags |= TcpFlags.Cwr; // RFC 3168 §6.1.2: the first new data after reducing cwnd
            _cwrPending = false;
        }
        Packet p = NewSegment(core, seq, payload, flags);
        ref TcpHeader t = ref p.Tcp;
        FillEstablishedOptions(ref t);
        t.Window = SelectWindowField();
        if (payload > mss) p.GsoSize = (ushort)mss;
        AckSent();
        return p;
    }

    private void AfterDataSent(int payload, bool fin)
    {
        _lastDataSentPs = _sim.NowPicoseconds;
        if (!_retransmitTimer.IsArmed) ArmRetransmitTimer(); // RFC 6298 §5.1
        if (_caState is CongestionState.Recovery or CongestionState.Cwr) _prrOut += payload + (fin ? 1 : 0);
        // tcp_event_data_sent: replying within ATO of the last data received makes the connection interactive.
        if (payload > 0 && _lastRecvPs >= 0 && _sim.NowPicoseconds - _lastRecvPs < LinuxDefaults.DelayedAckTimeout.Picoseconds)
            _pingPong = true;
    }

    /// <summary>tcp_send_ack: a pure ACK with the current window and SACK blocks.</summary>
    private void SendAck(int core)
    {
        TcpFlags flags = TcpFlags.Ack;
        if (_eceEcho) flags |= TcpFlags.Ece;
        Packet p = NewSegment(core, _sndNxt, 0, flags);
        ref TcpHeader t = ref p.Tcp;
        FillEstablishedOptions(ref t);
        t.Window = SelectWindowField();
        AckSent();
        Emit(p, EcnCodepoint.NotEct);
    }

    /// <summary>An ACK that must go now (duplicate, challenge, TIME_WAIT re-ACK).</summary>
    private void ForceAck(int core)
    {
        _ackPending = true;
        SendAck(core);
    }

    /// <summary>tcp_xmit_probe_skb: a segment with an old sequence number that makes the peer report its window.</summary>
    private void SendWindowProbe(int core)
    {
        Packet p = NewSegment(core, _sndUna - 1, 0, TcpFlags.Ack);
        ref TcpHeader t = ref p.Tcp;
        FillEstablishedOptions(ref t);
        t.Window = SelectWindowField();
        Emit(p, EcnCodepoint.NotEct);
    }

    /// <summary>An abortive RST for this connection (RFC 9293 §3.10.4 ABORT).</summary>
    private void SendReset(int core) => Emit(NewSegment(core, _sndNxt, 0, TcpFlags.Rst | TcpFlags.Ack), EcnCodepoint.NotEct);

    private Packet NewSegment(int core, uint seq, int payload, TcpFlags flags)
    {
        Packet p = _pool.Rent();
        ref TcpHeader t = ref p.PushTcp();
        t.SourcePort = LocalPort;
        t.DestinationPort = RemotePort;
        t.SequenceNumber = seq;
        t.Flags = flags;
        if ((flags & TcpFlags.Ack) != 0) t.AcknowledgmentNumber = _rcvNxt;
        p.PayloadLength = payload;
        p.FlowId = _flow.Id;
        p.CreatedAt = _sim.NowPicoseconds;
        p.Core = core;
        p.ChecksumOffloaded = true; // CHECKSUM_PARTIAL: the NIC (or GSO) fills it in
        return p;
    }

    /// <summary>Adds the IPv4 header, counts the segment(s) and hands the packet to ip_local_out via tcp_transmit_skb.</summary>
    private void Emit(Packet p, EcnCodepoint ecn)
    {
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = LocalAddress;
        ip.Destination = RemoteAddress;
        ip.Protocol = Ipv4Header.ProtocolTcp;
        ip.Ttl = LinuxDefaults.DefaultTtl;
        ip.DontFragment = true; // path MTU discovery (net.ipv4.ip_no_pmtu_disc = 0)
        ip.Ecn = ecn;
        int segs = p.SegmentCount;
        _flow.PacketsSent += segs;
        _flow.WireBytesSent += p.PayloadLength + (long)segs * (p.Length - p.PayloadLength);
        _stack.Transmit(p);
    }

    private void FillEstablishedOptions(ref TcpHeader t)
    {
        if (_tsOk)
        {
            t.HasTimestamps = true;
            t.TimestampValue = TimestampNow();
            t.TimestampEcho = _tsRecent;
        }
        if (_sackOk && !_ooo.IsEmpty) _ooo.FillSackBlocks(ref t, MaxSackBlocks);
    }

    /// <summary>40 option bytes hold 4 SACK blocks, or 3 next to timestamps (RFC 2018 §3).</summary>
    private int MaxSackBlocks => _tsOk ? 3 : 4;

    /// <summary>TSval: a 1 kHz clock, as Linux's tcp_time_stamp (TCP_TS_HZ = 1000).</summary>
    private uint TimestampNow() => (uint)(_sim.NowPicoseconds / Engine.Core.SimTime.PicosPerMillisecond);

    /// <summary>tcp_current_mss: mss_cache less the room SACK blocks take when this segment carries them.</summary>
    private int CurrentMss()
    {
        if (!_sackOk || _ooo.IsEmpty) return _mss;
        int blocks = Math.Min(_ooo.RangeCount, MaxSackBlocks);
        int tsBytes = _tsOk ? 10 : 0;
        int aligned = (tsBytes + 2 + 8 * blocks + 3) & ~3;
        return Math.Max(1, _mss - (aligned - (_tsOk ? LinuxDefaults.TimestampOptionAligned : 0)));
    }

    /// <summary>
    /// tcp_tso_autosize: a super-packet carries about 1 ms (2^-sk_pacing_shift s) worth of the pacing rate — 200% of
    /// cwnd/SRTT in slow start, 120% after (tcp_pacing_ss_ratio/ca_ratio) — at least tcp_min_tso_segs and at most
    /// what fits in 64 KiB (GSO_LEGACY_MAX_SIZE). No pacing itself is modelled (as with Linux's default qdisc).
    /// </summary>
    private long TsoBytes(int mss)
    {
        if (!Options.SegmentationOffload) return mss;
        int headers = Ipv4Header.Size + TcpHeader.BaseSize + (_tsOk ? LinuxDefaults.TimestampOptionAligned : 0);
        int maxSegs = Math.Max(1, (LinuxDefaults.GsoMaxSize - 1 - headers) / mss);
        if (!_rtt.HasSample) return (long)maxSegs * mss;
        int ratio = _w.Cwnd < _w.Ssthresh / 2 ? LinuxDefaults.PacingSlowStartRatio : LinuxDefaults.PacingCongestionAvoidanceRatio;
        Int128 bytesPerSlot = (Int128)ratio * _w.Cwnd * _mss * Engine.Core.SimTime.PicosPerSecond
                              / ((Int128)100 * Math.Max(1, _rtt.SrttPs) << LinuxDefaults.PacingShift);
        // On loopback (MTU 65536) one segment already fills 64 KiB, so the floor can exceed the ceiling.
        long segs = (long)Int128.Clamp(bytesPerSlot / mss, Math.Min(LinuxDefaults.MinTsoSegments, maxSegs), maxSegs);
        return segs * mss;
    }

    /// <summary>window_clamp: the largest window the current buffer offers (tcp_full_space).</summary>
    private long WindowClamp => ReceiveWindow.WindowFromSpace(_rcvBuf);

    /// <summary>
    /// tcp_select_initial_window: the buffer's window, unscaled in a SYN so at most 65535 (RFC 7323 §2.2), rounded
    /// down to whole segments; it is also where rcv_ssthresh starts.
    /// </summary>
    private long SynWindow()
    {
        long window = Math.Min(ushort.MaxValue, WindowClamp);
        if (window > _advMss) window = window / _advMss * _advMss;
        _rcvSsthresh = window;
        return window;
    }

    /// <summary>
    /// __tcp_select_window: the free receive buffer scaled by tcp_adv_win_scale (tcp_space), at most rcv_ssthresh,
    /// rounded up to the scale granularity, and zero rather than a sliver (receiver SWS avoidance, RFC 9293 §3.8.6.2.2).
    /// </summary>
    private long SelectWindow()
    {
        long free = ReceiveWindow.WindowFromSpace(Math.Max(0, _rcvBuf - _rcvQueued - _ooo.Bytes));
        if (free < WindowClamp / 2 && free < _rcvMss) return 0;
        if (free > _rcvSsthresh) free = _rcvSsthresh; // the window opens only as fast as tcp_grow_window allows
        long granularity = 1L << _rcvWscale;
        return (free + granularity - 1) / granularity * granularity; // ALIGN up: a window just under one MSS is not scaled away
    }

    /// <summary>The window field for a non-SYN segment; the right edge never moves left (RFC 7323 §2.4). Updates RCV.WUP.</summary>
    private ushort SelectWindowField()
    {
        long window = SelectWindow();
        long promised = Distance(_rcvNxt, _rcvAdvRight);
        if (window < promised) window = promised;
        long field = Math.Min(ushort.MaxValue, (window + (1L << _rcvWscale) - 1) >> _rcvWscale);
        _rcvWnd = field << _rcvWscale;
        _rcvAdvRight = _rcvNxt + (uint)_rcvWnd;
        _rcvWup = _rcvNxt;
        return (ushort)field;
    }
}
