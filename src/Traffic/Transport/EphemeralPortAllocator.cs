namespace NetSim.Traffic.Transport;

/// <summary>
/// Picks local ports for connect() and unbound sends from net.ipv4.ip_local_port_range. Linux starts at a
/// hashed, randomized offset (RFC 6056 algorithm 4); we walk the range sequentially from its low end so runs are
/// reproducible. A port is skipped when the caller says it is in use (same 4-tuple, or bound by a listener).
/// </summary>
public sealed class EphemeralPortAllocator
{
    private readonly int _low;
    private readonly int _high;
    private int _next;

    public EphemeralPortAllocator(int low = LinuxDefaults.LocalPortRangeLow, int high = LinuxDefaults.LocalPortRangeHigh)
    {
        if (low < 1 || high > ushort.MaxValue || low > high)
            throw new ArgumentOutOfRangeException(nameof(low), $"bad port range {low}-{high}");
        _low = low;
        _high = high;
        _next = low;
    }

    public int RangeSize => _high - _low + 1;

    /// <summary>The next port for which <paramref name="inUse"/> is false; false when the whole range is taken (EADDRNOTAVAIL).</summary>
    public bool TryAllocate<TState>(TState state, Func<TState, ushort, bool> inUse, out ushort port)
    {
        ArgumentNullException.ThrowIfNull(inUse);
        for (int i = 0; i < RangeSize; i++)
        {
            ushort candidate = (ushort)_next;
            _next = _next == _high ? _low : _next + 1;
            if (!inUse(state, candidate))
            {
                port = candidate;
                return true;
            }
        }
        port = 0;
        return false;
    }
}
