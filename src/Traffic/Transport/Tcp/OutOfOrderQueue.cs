using NetSim.Engine.Packets;
using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The receiver's out-of-order queue (Linux's out_of_order_queue rbtree) as sorted, disjoint [start, end)
/// sequence ranges: payload bytes are counted, not stored. Each range remembers when it last grew so that SACK
/// blocks are reported most recent first, with the block holding the latest segment first (RFC 2018 §4).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Linux's name for it (out_of_order_queue).")]
public sealed class OutOfOrderQueue
{
    private uint[] _start = new uint[16];
    private uint[] _end = new uint[16];
    private long[] _stamp = new long[16];
    private int _count;
    private long _clock;

    public bool IsEmpty => _count == 0;
    public int RangeCount => _count;
    /// <summary>Bytes held out of order (they occupy receive-buffer space).</summary>
    public long Bytes { get; private set; }

    public void Clear()
    {
        _count = 0;
        Bytes = 0;
    }

    /// <summary>Queues [start, end); returns the bytes that were not already queued.</summary>
    public long Add(uint start, uint end)
    {
        if (!Before(start, end)) return 0;
        long before = Bytes;
        int i = 0;
        while (i < _count && Before(_end[i], start)) i++;
        uint s = start, e = end;
        long absorbed = 0;
        int j = i;
        while (j < _count && BeforeOrEqual(_start[j], e))
        {
            s = Min(s, _start[j]);
            e = Max(e, _end[j]);
            absorbed += Distance(_start[j], _end[j]);
            j++;
        }
        int removed = j - i;
        if (removed == 0) InsertAt(i);
        else if (removed > 1) RemoveRange(i + 1, removed - 1);
        _start[i] = s;
        _end[i] = e;
        _stamp[i] = ++_clock;
        Bytes += Distance(s, e) - absorbed;
        return Bytes - before;
    }

    /// <summary>
    /// Moves the ranges that now touch <paramref name="rcvNxt"/> into order; returns the new RCV.NXT. The bytes that
    /// became in-order are the distance between the two.
    /// </summary>
    public uint PullContiguous(uint rcvNxt)
    {
        while (_count > 0 && BeforeOrEqual(_start[0], rcvNxt))
        {
            Bytes -= Distance(_start[0], _end[0]);
            if (After(_end[0], rcvNxt)) rcvNxt = _end[0];
            RemoveRange(0, 1);
        }
        return rcvNxt;
    }

    /// <summary>Fills up to <paramref name="maxBlocks"/> SACK blocks into <paramref name="header"/>, most recent first.</summary>
    public void FillSackBlocks(ref TcpHeader header, int maxBlocks)
    {
        int n = Math.Min(maxBlocks, Math.Min(_count, TcpHeader.MaxSackBlocks));
        long lastTaken = long.MaxValue;
        for (int b = 0; b < n; b++)
        {
            int best = -1;
            for (int i = 0; i < _count; i++)
                if (_stamp[i] < lastTaken && (best < 0 || _stamp[i] > _stamp[best])) best = i;
            if (best < 0) { n = b; break; }
            lastTaken = _stamp[best];
            header.Sack[b].Left = _start[best];
            header.Sack[b].Right = _end[best];
        }
        header.SackBlockCount = (byte)n;
    }

    private void InsertAt(int index)
    {
        if (_count == _start.Length)
        {
            Array.Resize(ref _start, _count * 2);
            Array.Resize(ref _end, _count * 2);
            Array.Resize(ref _stamp, _count * 2);
        }
        Array.Copy(_start, index, _start, index + 1, _count - index);
        Array.Copy(_end, index, _end, index + 1, _count - index);
        Array.Copy(_stamp, index, _stamp, index + 1, _count - index);
        _count++;
    }

    private void RemoveRange(int index, int n)
    {
        Array.Copy(_start, index + n, _start, index, _count - index - n);
        Array.Copy(_end, index + n, _end, index, _count - index - n);
        Array.Copy(_stamp, index + n, _stamp, index, _count - index - n);
        _count -= n;
    }
}
