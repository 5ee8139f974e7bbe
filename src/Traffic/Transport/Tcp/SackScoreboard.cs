using static NetSim.Traffic.Transport.SequenceNumber;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The sender's SACK scoreboard (RFC 6675 §3): the sequence ranges above SND.UNA the receiver has SACKed, kept
/// as sorted, disjoint [start, end) intervals. Everything is computed over intervals, never per byte or per
/// packet, so retransmission needs no stored packets. Arrays grow rarely and are reused.
/// </summary>
public sealed class SackScoreboard
{
    private uint[] _start = new uint[16];
    private uint[] _end = new uint[16];
    private int _count;

    public int IntervalCount => _count;
    /// <summary>Bytes SACKed above SND.UNA.</summary>
    public long SackedBytes { get; private set; }
    /// <summary>The highest SACKed sequence (exclusive), or SND.UNA when nothing is SACKed.</summary>
    public uint HighestSacked(uint sndUna) => _count == 0 ? sndUna : _end[_count - 1];

    public void Clear()
    {
        _count = 0;
        SackedBytes = 0;
    }

    /// <summary>Merges a SACK block; returns the bytes newly SACKed. Blocks outside (SND.UNA, SND.NXT] are ignored (D-SACK, bogus).</summary>
    public long Add(uint left, uint right, uint sndUna, uint sndNxt)
    {
        if (!Before(left, right) || After(right, sndNxt)) return 0;
        if (BeforeOrEqual(right, sndUna)) return 0;
        if (Before(left, sndUna)) left = sndUna;
        long before = SackedBytes;
        // Find the first interval that ends at or after left (could merge).
        int i = 0;
        while (i < _count && Before(_end[i], left)) i++;
        uint newStart = left, newEnd = right;
        int j = i;
        long absorbed = 0;
        while (j < _count && BeforeOrEqual(_start[j], newEnd))
        {
            newStart = Min(newStart, _start[j]);
            newEnd = Max(newEnd, _end[j]);
            absorbed += Distance(_start[j], _end[j]);
            j++;
        }
        // Replace intervals [i, j) by one.
        int removed = j - i;
        if (removed == 0) InsertAt(i);
        else if (removed > 1) RemoveRange(i + 1, removed - 1);
        _start[i] = newStart;
        _end[i] = newEnd;
        SackedBytes += Distance(newStart, newEnd) - absorbed;
        return SackedBytes - before;
    }

    /// <summary>Forgets everything below the new SND.UNA; returns the SACKed bytes the cumulative ACK covered.</summary>
    public long AdvanceTo(uint sndUna)
    {
        long covered = 0;
        int drop = 0;
        while (drop < _count && BeforeOrEqual(_end[drop], sndUna))
        {
            covered += Distance(_start[drop], _end[drop]);
            drop++;
        }
        if (drop > 0) RemoveRange(0, drop);
        if (_count > 0 && Before(_start[0], sndUna))
        {
            covered += Distance(_start[0], sndUna);
            _start[0] = sndUna;
        }
        SackedBytes -= covered;
        return covered;
    }

    /// <summary>SACKed bytes within [a, b).</summary>
    public long SackedWithin(uint a, uint b)
    {
        long n = 0;
        for (int i = 0; i < _count; i++)
        {
            if (BeforeOrEqual(_end[i], a)) continue;
            if (AfterOrEqual(_start[i], b)) break;
            n += Distance(Max(_start[i], a), Min(_end[i], b));
        }
        return n;
    }

    /// <summary>
    /// RFC 6675 IsLost as a boundary: every unSACKed byte below the returned sequence has more than
    /// (DupThresh − 1)·SMSS bytes SACKed above it, or DupThresh SACKed ranges above it, so it is deemed lost.
    /// Returns <paramref name="sndUna"/> when nothing is lost.
    /// </summary>
    public uint LostBoundary(uint sndUna, int mss, int dupThresh)
    {
        long thresholdBytes = (long)(dupThresh - 1) * mss;
        long above = 0;
        for (int i = _count - 1; i >= 0; i--)
        {
            above += Distance(_start[i], _end[i]);
            if (above > thresholdBytes || _count - i >= dupThresh) return _start[i];
        }
        return sndUna;
    }

    /// <summary>The first unSACKed range at or after <paramref name="from"/> and below <paramref name="limit"/>; false when none.</summary>
    public bool NextHole(uint from, uint limit, out uint holeStart, out uint holeEnd)
    {
        uint x = from;
        for (int i = 0; i < _count; i++)
        {
            if (BeforeOrEqual(_end[i], x)) continue;
            if (After(_start[i], x))
            {
                holeStart = x;
                holeEnd = Min(_start[i], limit);
                return Before(holeStart, holeEnd);
            }
            x = _end[i]; // x is inside this SACKed interval: skip past it
        }
        holeStart = x;
        holeEnd = limit;
        return Before(holeStart, holeEnd);
    }

    private void InsertAt(int index)
    {
        if (_count == _start.Length)
        {
            Array.Resize(ref _start, _count * 2);
            Array.Resize(ref _end, _count * 2);
        }
        Array.Copy(_start, index, _start, index + 1, _count - index);
        Array.Copy(_end, index, _end, index + 1, _count - index);
        _count++;
    }

    private void RemoveRange(int index, int n)
    {
        Array.Copy(_start, index + n, _start, index, _count - index - n);
        Array.Copy(_end, index + n, _end, index, _count - index - n);
        _count -= n;
    }
}
