namespace NetSim.Topologies.Ipam;

/// <summary>
/// host-local's round-robin walk over a range set (allocator.go): start just after the last reserved IP if it is
/// still in the set, else at the first range's start; advance, wrapping across ranges; skip gateways; stop when
/// back at the first candidate, so the last reserved IP itself is tried last.
/// </summary>
public sealed class RangeIterator
{
    private readonly RangeSet _set;
    private int _rangeIndex;
    private IpamAddress? _current;
    private IpamAddress? _start;

    public RangeIterator(RangeSet set, IpamAddress? lastReserved)
    {
        _set = set;
        if (lastReserved is { } last && set.RangeIndexOf(last) is int i and >= 0)
        {
            _rangeIndex = i;
            _current = last;
        }
    }

    /// <summary>The next candidate and its range, or null when the walk is complete.</summary>
    public (IpamAddress Ip, IpRange Range)? Next()
    {
        while (true)
        {
            IpRange r = _set.Ranges[_rangeIndex];
            if (_current is null)
            {
                _current = r.RangeStart;
                _start = _current;
                if (_current == r.Gateway) continue;
                return (_current.Value, r);
            }
            if (_current == r.RangeEnd)
            {
                _rangeIndex = (_rangeIndex + 1) % _set.Ranges.Count;
                r = _set.Ranges[_rangeIndex];
                _current = r.RangeStart;
            }
            else
            {
                _current = _current.Value.Next();
            }
            if (_start is null) _start = _current;
            else if (_current == _start) return null;
            if (_current == r.Gateway) continue;
            return (_current.Value, r);
        }
    }
}
