namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// Reno AIMD (RFC 5681; Linux's "reno"): slow start, then one segment per window of ACKed data; ssthresh = cwnd/2.
/// With SACK off, the socket recovers losses the NewReno way (RFC 6582); with SACK on, by RFC 6675.
/// </summary>
public sealed class NewRenoCongestionControl : CongestionControl
{
    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.NewReno;

    public override void OnAck(ref CongestionWindow w, int ackedSegments, long nowPs, RtoEstimator rtt)
    {
        if (w.InSlowStart)
        {
            ackedSegments = SlowStart(ref w, ackedSegments);
            if (ackedSegments <= 0) return;
        }
        AdditiveIncrease(ref w, w.Cwnd, ackedSegments);
    }

    /// <summary>tcp_reno_ssthresh: max(cwnd/2, 2) (RFC 5681 eq. 4 uses FlightSize; Linux uses cwnd).</summary>
    public override int SsthreshOnCongestion(ref CongestionWindow w) => Math.Max(w.Cwnd >> 1, 2);
}
