namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// CUBIC (RFC 9438), as Linux's tcp_cubic without HyStart: W_cubic(t) = C·(t − K)³ + W_max with C = 0.4 and
/// β = 717/1024 ≈ 0.7 (Linux's beta), fast convergence, and the Reno-friendly estimate W_est (§4.3). Growth toward
/// the target W_cubic(t + min RTT) is spread over the ACKs of one window (cnt = cwnd / (target − cwnd)), capped
/// at 1.5·cwnd per RTT. Windows are fixed point (1/1024 segment) and time is integer microseconds, with an
/// integer cube root, so the result is the same on every CPU.
/// </summary>
public sealed class CubicCongestionControl : CongestionControl
{
    private const int Scale = 1024;          // fixed point: 1/1024 segment
    private const long BetaNumerator = 717;  // beta = 717/1024 (Linux), RFC 9438 §4.6: 0.7
    private const long CNumerator = 4, CDenominator = 10; // C = 0.4 (RFC 9438 §5.1)
    private const long MicrosPerSecondCubed = 1_000_000L * 1_000_000L * 1_000_000L;

    private long _wMax;          // W_max, fixed point
    private long _origin;        // the plateau the cubic curve is centred on, fixed point
    private long _kMicros;       // K: time to reach the plateau
    private long _epochStartPs;  // 0 = no congestion-avoidance epoch yet
    private long _wEst;          // Reno-friendly estimate W_est, fixed point
    private long _wEstRemainder; // W_est growth not yet a whole fixed-point unit

    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.Cubic;

    /// <summary>W_max in segments (for tests and reports).</summary>
    public double WMaxSegments => _wMax / (double)Scale;

    public override void OnAck(ref CongestionWindow w, int ackedSegments, long nowPs, RtoEstimator rtt)
    {
        if (w.InSlowStart)
        {
            ackedSegments = SlowStart(ref w, ackedSegments);
            if (ackedSegments <= 0) return;
        }
        int perSegment = AcksPerIncrement(w.Cwnd, ackedSegments, nowPs, rtt);
        AdditiveIncrease(ref w, perSegment, ackedSegments);
    }

    public override int SsthreshOnCongestion(ref CongestionWindow w)
    {
        _epochStartPs = 0;
        long cwnd = (long)w.Cwnd * Scale;
        // Fast convergence (RFC 9438 §4.7): release bandwidth when the plateau shrank since the last loss.
        _wMax = cwnd < _wMax ? cwnd * (Scale + BetaNumerator) / (2 * Scale) : cwnd;
        return Math.Max((int)(w.Cwnd * BetaNumerator / Scale), 2);
    }

    /// <summary>Linux resets CUBIC on entering Loss (bictcp_state → bictcp_reset): the curve restarts from scratch.</summary>
    public override void OnTimeout()
    {
        _wMax = 0;
        _epochStartPs = 0;
    }

    private int AcksPerIncrement(int cwndSegments, int acked, long nowPs, RtoEstimator rtt)
    {
        long cwnd = (long)cwndSegments * Scale;
        if (_epochStartPs == 0)
        {
            _epochStartPs = Math.Max(1, nowPs);
            if (cwnd < _wMax)
            {
                _kMicros = CubeRootMicros(_wMax - cwnd);
                _origin = _wMax;
            }
            else
            {
                _kMicros = 0;
                _origin = cwnd;
            }
            _wEst = cwnd;
            _wEstRemainder = 0;
        }
        long minRttUs = rtt.MinRttPs == long.MaxValue ? 0 : rtt.MinRttPs / 1_000_000;
        long tUs = (nowPs - _epochStartPs) / 1_000_000 + minRttUs;
        long offs = Math.Clamp(tUs - _kMicros, -100_000_000_000L, 100_000_000_000L);
        Int128 delta = (Int128)offs * offs * offs * CNumerator * Scale / ((Int128)CDenominator * MicrosPerSecondCubed);
        long target = (long)(_origin + delta);
        target = Math.Clamp(target, cwnd, cwnd + cwnd / 2); // RFC 9438 §4.4: target in [cwnd, 1.5·cwnd]

        long cnt = target > cwnd ? Math.Max(1, (long)cwndSegments * Scale / (target - cwnd)) : 100L * cwndSegments;
        if (_wMax == 0 && cnt > 20) cnt = 20; // Linux: no plateau known yet, do not be too timid

        // Reno-friendly region (RFC 9438 §4.3): W_est grows by alpha per window; alpha = 3(1-beta)/(1+beta), 1 above W_max.
        long alphaNum = _wEst >= _wMax ? Scale : 3 * (Scale - BetaNumerator) * Scale / (Scale + BetaNumerator);
        _wEstRemainder += alphaNum * acked;
        _wEst += _wEstRemainder / cwndSegments;
        _wEstRemainder %= cwndSegments;
        if (_wEst > cwnd)
        {
            long renoCnt = Math.Max(1, (long)cwndSegments * Scale / (_wEst - cwnd));
            cnt = Math.Min(cnt, renoCnt);
        }
        return (int)Math.Clamp(cnt, 2, int.MaxValue);
    }

    /// <summary>K = ∛((W_max − cwnd) / C) in microseconds, from a window difference in fixed-point segments.</summary>
    private static long CubeRootMicros(long windowDeltaFixed)
    {
        UInt128 v = (UInt128)windowDeltaFixed * CDenominator * MicrosPerSecondCubed / (CNumerator * Scale);
        return (long)IntegerCubeRoot(v);
    }

    /// <summary>⌊∛v⌋ exactly: a floating-point guess corrected with integer arithmetic (so platform libm differences cannot leak in).</summary>
    internal static UInt128 IntegerCubeRoot(UInt128 v)
    {
        UInt128 x = (UInt128)Math.Cbrt((double)v);
        while (x > 0 && x * x * x > v) x--;
        while ((x + 1) * (x + 1) * (x + 1) <= v) x++;
        return x;
    }
}
