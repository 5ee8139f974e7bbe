using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// When each outstanding transmission left, as Linux keeps in every retransmit-queue skb (skb_mstamp_ns) — but as
/// a ring of small structs (end sequence, send time, retransmitted flag) instead of packets, so nothing is kept
/// alive. A cumulative ACK yields an RTT sample from the oldest newly ACKed record never retransmitted (Karn's
/// rule, RFC 6298 §3), as tcp_clean_rtx_queue does; a partially ACKed TSO record samples too.
/// </summary>
public sealed class TransmitTimestamps
{
    private uint[] _end = new uint[64];
    private long[] _sentAt = new long[64];
    private bool[] _retransmitted = new bool[64];
    private uint[] _retransmitMark = new uint[64];
    private int _head;
    private int _count;

    public int Count => _count;

    /// <summary>When the oldest outstanding record was sent (the retransmit queue head's skb_mstamp_ns); -1 when none is outstanding.</summary>
    public long HeadSentAtPs => _count > 0 ? _sentAt[_head] : -1;

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }

    /// <summary>Records a new transmission ending (exclusive) at <paramref name="end"/>.</summary>
    public void Append(uint end, long sentAtPs)
    {
        if (_count == _end.Length) Grow();
        int i = Index(_count);
        _end[i] = end;
        _sentAt[i] = sentAtPs;
        _retransmitted[i] = false;
        _count++;
    }

    /// <summary>
    /// Marks every record overlapping [from, to) as retransmitted (no RTT samples from them) and remembers SND.NXT at
    /// that moment (Linux kept it in the skb's ack_seq for tcp_mark_lost_retrans).
    /// </summary>
    public void MarkRetransmitted(uint sndUna, uint from, uint to, uint sndNxt)
    {
        uint start = sndUna;
        for (int k = 0; k < _count; k++)
        {
            int i = Index(k);
            if (AfterOrEqual(start, to)) break;
            if (After(_end[i], from))
            {
                _retransmitted[i] = true;
                _retransmitMark[i] = sndNxt;
            }
            start = _end[i];
        }
    }

    /// <summary>SND.NXT when the oldest outstanding record was last retransmitted; false when it never was.</summary>
    public bool TryGetHeadRetransmitMark(out uint sndNxtAtRetransmit)
    {
        if (_count > 0 && _retransmitted[_head])
        {
            sndNxtAtRetransmit = _retransmitMark[_head];
            return true;
        }
        sndNxtAtRetransmit = 0;
        return false;
    }

    /// <summary>
    /// Drops records fully covered by <paramref name="ack"/>; returns the send time of the oldest newly ACKed
    /// clean record (including a partially ACKed head), or -1 when every ACKed record was retransmitted.
    /// </summary>
    public long Acknowledge(uint priorUna, uint ack)
    {
        long sample = -1;
        while (_count > 0)
        {
            int i = _head;
            bool fully = BeforeOrEqual(_end[i], ack);
            bool partly = !fully && After(ack, priorUna);
            if (!fully && !partly) break;
            if (!_retransmitted[i] && sample < 0) sample = _sentAt[i];
            if (!fully) break;
            _head = Index(1);
            _count--;
        }
        return sample;
    }

    private int Index(int k)
    {
        int i = _head + k;
        return i >= _end.Length ? i - _end.Length : i;
    }

    private void Grow()
    {
        int n = _end.Length * 2;
        var end = new uint[n];
        var sent = new long[n];
        var rtx = new bool[n];
        var mark = new uint[n];
        for (int k = 0; k < _count; k++)
        {
            int i = Index(k);
            end[k] = _end[i];
            sent[k] = _sentAt[i];
            rtx[k] = _retransmitted[i];
            mark[k] = _retransmitMark[i];
        }
        _end = end;
        _sentAt = sent;
        _retransmitted = rtx;
        _retransmitMark = mark;
        _head = 0;
    }
}
