namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The retransmission timeout of RFC 6298: SRTT and RTTVAR smoothed with gains 1/8 and 1/4, RTO = SRTT + 4·RTTVAR,
/// with Linux's floor: the variance term is at least TCP_RTO_MIN (200 ms), so RTO ≥ SRTT + 200 ms (tcp_set_rto),
/// where RFC 6298 §2.4 would floor the whole RTO at 1 s. Before the first sample the RTO is 1 s (RFC 6298 §2.1);
/// each expiry doubles it (§5.5) up to TCP_RTO_MAX. Integer picoseconds throughout.
/// </summary>
public sealed class RtoEstimator
{
    private readonly long _minPs;
    private readonly long _maxPs;

    public RtoEstimator(long initialPs, long minPs, long maxPs)
    {
        _minPs = minPs;
        _maxPs = maxPs;
        RtoPs = initialPs;
    }

    public bool HasSample { get; private set; }
    public long SrttPs { get; private set; }
    public long RttVarPs { get; private set; }
    /// <summary>The smallest RTT seen (CUBIC's delay_min).</summary>
    public long MinRttPs { get; private set; } = long.MaxValue;
    public long LatestRttPs { get; private set; }
    /// <summary>The current RTO before backoff.</summary>
    public long RtoPs { get; private set; }

    /// <summary>Adds one RTT measurement R' (RFC 6298 §2.2–2.3).</summary>
    public void AddSample(long rttPs)
    {
        long r = Math.Max(1, rttPs);
        LatestRttPs = r;
        if (r < MinRttPs) MinRttPs = r;
        if (!HasSample)
        {
            SrttPs = r;
            RttVarPs = r / 2;
            HasSample = true;
        }
        else
        {
            RttVarPs = (3 * RttVarPs + Math.Abs(SrttPs - r)) / 4; // beta = 1/4
            SrttPs = (7 * SrttPs + r) / 8;                          // alpha = 1/8
        }
        RtoPs = Math.Min(_maxPs, SrttPs + Math.Max(4 * RttVarPs, _minPs));
    }

    /// <summary>The RTO after <paramref name="backoff"/> doublings (RFC 6298 §5.5), capped at TCP_RTO_MAX.</summary>
    public long BackedOff(int backoff)
    {
        long rto = RtoPs;
        for (int i = 0; i < backoff && rto < _maxPs; i++) rto <<= 1;
        return Math.Min(rto, _maxPs);
    }
}
