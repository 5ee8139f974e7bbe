namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// Receive-buffer autotuning ("dynamic right-sizing"): Linux's rcvq_space and rcv_rtt_est. Once per receiver-side
/// RTT it looks at how many bytes the application copied out (tcp_rcv_space_adjust) and, when that grew, sizes
/// sk_rcvbuf so the window covers twice the growth, capped at tcp_rmem[2]. The receiver's RTT is measured as the
/// time for RCV.NXT to advance by one advertised window (tcp_rcv_rtt_measure), kept as the minimum sample.
/// </summary>
internal sealed class ReceiveBufferTuning
{
    private long _rttPs;            // rcv_rtt_est.rtt_us (0 = no sample yet)
    private uint _rttSeq;           // rcv_rtt_est.seq: the RCV.NXT that ends the current measurement
    private long _rttStartPs = -1;  // rcv_rtt_est.time
    private long _space;            // rcvq_space.space: bytes copied in the last measured RTT
    private long _spaceCopied;      // rcvq_space.seq, as a count of bytes copied
    private long _spaceStartPs = -1; // rcvq_space.time

    /// <summary>The receiver's RTT estimate in picoseconds (0 before the first sample).</summary>
    public long RttPs => _rttPs;

    /// <summary>Bytes the application copied in the last measured RTT (rcvq_space.space).</summary>
    public long Space => _space;

    /// <summary>tcp_init_buffer_space: the first measurement starts from the initial window, at most TCP_INIT_CWND segments.</summary>
    public void Start(long receiveWindow, int advMss, long copied, long nowPs)
    {
        _space = Math.Max(1, Math.Min(receiveWindow, (long)LinuxDefaults.InitialCwndSegments * advMss));
        _spaceCopied = copied;
        _spaceStartPs = nowPs;
    }

    /// <summary>Whether <see cref="Start"/> has run.</summary>
    public bool Started => _spaceStartPs >= 0;

    /// <summary>tcp_rcv_rtt_measure: in-order data arrived; a window's worth since the last mark is one RTT sample.</summary>
    public void MeasureRtt(uint rcvNxt, long receiveWindow, long nowPs)
    {
        if (_rttStartPs >= 0)
        {
            if (SequenceNumber.Before(rcvNxt, _rttSeq)) return;
            long sample = Math.Max(1, nowPs - _rttStartPs);
            _rttPs = _rttPs == 0 ? sample : Math.Min(_rttPs, sample); // window-dependent samples only lower it
        }
        _rttSeq = rcvNxt + (uint)receiveWindow;
        _rttStartPs = nowPs;
    }

    /// <summary>
    /// tcp_rcv_space_adjust after a read: returns the receive buffer to use (never smaller than
    /// <paramref name="rcvBuf"/>), or <paramref name="rcvBuf"/> itself when no RTT has passed or the reader did not speed up.
    /// </summary>
    public long Adjust(long copied, long nowPs, long rcvBuf, int advMss, bool tune)
    {
        if (!Started || _rttPs == 0 || nowPs - _spaceStartPs < _rttPs) return rcvBuf;
        long delta = copied - _spaceCopied;
        if (delta > _space)
        {
            if (tune)
            {
                // Room for twice what was copied plus 16 segments, and twice again the growth over the last RTT.
                long window = 2 * delta + 16L * advMss;
                long grow = window * (delta - _space) / _space;
                window += 2 * grow;
                long wanted = Math.Min(ReceiveWindow.SpaceFromWindow(window), LinuxDefaults.TcpRmemMax);
                if (wanted > rcvBuf) rcvBuf = wanted;
            }
            _space = delta;
        }
        _spaceCopied = copied;
        _spaceStartPs = nowPs;
        return rcvBuf;
    }
}
