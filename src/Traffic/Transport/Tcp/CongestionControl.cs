namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// A congestion-control module (Linux's tcp_congestion_ops): how cwnd grows on ACKs (cong_avoid) and where
/// ssthresh goes on congestion (ssthresh). Loss detection and the reduction itself (PRR, RFC 6937) are the
/// socket's, as in Linux. Window arithmetic is integer so runs are identical on every CPU.
/// </summary>
public abstract class CongestionControl
{
    public abstract CongestionControlAlgorithm Algorithm { get; }

    /// <summary>cong_avoid: <paramref name="ackedSegments"/> were newly acknowledged while cwnd-limited.</summary>
    public abstract void OnAck(ref CongestionWindow w, int ackedSegments, long nowPs, RtoEstimator rtt);

    /// <summary>ssthresh: the new slow-start threshold on a loss or an ECN echo (also remembers W_max etc.).</summary>
    public abstract int SsthreshOnCongestion(ref CongestionWindow w);

    /// <summary>The sender entered the Loss state (RTO expiry).</summary>
    public virtual void OnTimeout() { }

    public static CongestionControl Create(CongestionControlAlgorithm algorithm) => algorithm switch
    {
        CongestionControlAlgorithm.NewReno => new NewRenoCongestionControl(),
        CongestionControlAlgorithm.Cubic => new CubicCongestionControl(),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown congestion control"),
    };

    /// <summary>tcp_slow_start: cwnd += acked up to ssthresh (RFC 5681 §3.1 with Linux's per-ACK byte counting); returns the ACKs left over.</summary>
    protected static int SlowStart(ref CongestionWindow w, int acked)
    {
        int cwnd = (int)Math.Min((long)w.Cwnd + acked, w.Ssthresh);
        acked -= cwnd - w.Cwnd;
        w.Cwnd = Math.Min(cwnd, w.Clamp);
        return acked;
    }

    /// <summary>tcp_cong_avoid_ai: one more segment for every <paramref name="perSegment"/> ACKed segments (RFC 5681 §3.1 eq. 3).</summary>
    protected static void AdditiveIncrease(ref CongestionWindow w, int perSegment, int acked)
    {
        if (w.CwndCount >= perSegment)
        {
            w.CwndCount = 0;
            w.Cwnd++;
        }
        w.CwndCount += acked;
        if (w.CwndCount >= perSegment)
        {
            int delta = w.CwndCount / perSegment;
            w.CwndCount -= delta * perSegment;
            w.Cwnd += delta;
        }
        w.Cwnd = Math.Min(w.Cwnd, w.Clamp);
    }
}
