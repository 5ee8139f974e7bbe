namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The congestion window as Linux keeps it, in segments: snd_cwnd, snd_cwnd_cnt (ACKed segments counted toward the
/// next increase) and snd_ssthresh. Congestion-control modules change it through <see cref="CongestionControl"/>.
/// </summary>
public struct CongestionWindow
{
    /// <summary>TCP_INFINITE_SSTHRESH: slow start until the first loss.</summary>
    public const int InfiniteSsthresh = int.MaxValue;

    public int Cwnd;
    public int CwndCount;
    public int Ssthresh;
    /// <summary>snd_cwnd_clamp: the largest cwnd allowed.</summary>
    public int Clamp;

    public readonly bool InSlowStart => Cwnd < Ssthresh;
}
