namespace NetSim.Traffic.Transport.Tcp;

/// <summary>net.ipv4.tcp_congestion_control (Linux's default is cubic).</summary>
public enum CongestionControlAlgorithm
{
    /// <summary>Reno AIMD (RFC 5681), with NewReno loss recovery (RFC 6582) when SACK is off.</summary>
    NewReno,
    /// <summary>CUBIC (RFC 9438), Linux's default.</summary>
    Cubic,
}
