using NetSim.Engine.Core;

namespace NetSim.Traffic.Transport;

/// <summary>
/// Linux's default socket and TCP parameters (Linux 6.x), each named after its sysctl or kernel constant, so a
/// scenario that does not override them behaves like an untuned Linux host.
/// </summary>
public static class LinuxDefaults
{
    /// <summary>net.ipv4.tcp_wmem = 4096 16384 4194304 (min, default, max send buffer).</summary>
    public const int TcpWmemMin = 4096, TcpWmemDefault = 16384, TcpWmemMax = 4194304;
    /// <summary>net.ipv4.tcp_rmem = 4096 131072 6291456 (min, default, max receive buffer).</summary>
    public const int TcpRmemMin = 4096, TcpRmemDefault = 131072, TcpRmemMax = 6291456;
    /// <summary>net.ipv4.tcp_adv_win_scale = 1: half of the receive buffer is offered as window, half kept for overhead.</summary>
    public const int TcpAdvWinScale = 1;
    /// <summary>net.core.rmem_default / wmem_default = 212992 (UDP socket buffers).</summary>
    public const int CoreRmemDefault = 212992, CoreWmemDefault = 212992;
    /// <summary>net.ipv4.ip_local_port_range = 32768 60999 (ephemeral ports for connect()).</summary>
    public const int LocalPortRangeLow = 32768, LocalPortRangeHigh = 60999;
    /// <summary>net.core.somaxconn = 4096 (accept-queue limit, Linux ≥ 5.4).</summary>
    public const int Somaxconn = 4096;

    /// <summary>TCP_TIMEWAIT_LEN = 60 s: Linux holds TIME_WAIT for 60 s, not RFC 9293's 2×MSL (2 × 2 min).</summary>
    public static readonly SimTime TimeWaitLength = SimTime.FromSeconds(60);
    /// <summary>net.ipv4.tcp_fin_timeout = 60 s: how long an orphaned socket stays in FIN_WAIT_2.</summary>
    public static readonly SimTime FinTimeout = SimTime.FromSeconds(60);
    /// <summary>TCP_RTO_MIN = 200 ms (RFC 6298 suggests 1 s; Linux floors the variance term at 200 ms).</summary>
    public static readonly SimTime RtoMin = SimTime.FromMilliseconds(200);
    /// <summary>TCP_TIMEOUT_INIT = 1 s: the RTO before any RTT sample (RFC 6298 §2.1).</summary>
    public static readonly SimTime RtoInitial = SimTime.FromSeconds(1);
    /// <summary>TCP_RTO_MAX = 120 s: the backoff ceiling.</summary>
    public static readonly SimTime RtoMax = SimTime.FromSeconds(120);
    /// <summary>TCP_DELACK_MIN = TCP_ATO_MIN = 40 ms: the delayed-ACK timeout.</summary>
    public static readonly SimTime DelayedAckTimeout = SimTime.FromMilliseconds(40);

    /// <summary>TCP_INIT_CWND = 10 segments (RFC 6928).</summary>
    public const int InitialCwndSegments = 10;
    /// <summary>TCP_MAX_QUICKACKS = 16: ACKs sent without delay at the start of a connection.</summary>
    public const int MaxQuickAcks = 16;
    /// <summary>TCP_PINGPONG_THRESH = 1: one quick reply to received data turns on interactive (delayed-ACK) mode.</summary>
    public const int PingPongThreshold = 1;
    /// <summary>net.ipv4.tcp_reordering = 3: the duplicate-ACK threshold (DupThresh, RFC 5681/6675).</summary>
    public const int DupThresh = 3;
    /// <summary>net.ipv4.tcp_syn_retries = 6.</summary>
    public const int SynRetries = 6;
    /// <summary>net.ipv4.tcp_synack_retries = 5.</summary>
    public const int SynAckRetries = 5;
    /// <summary>net.ipv4.tcp_retries2 = 15: data retransmissions before the connection is aborted.</summary>
    public const int Retries2 = 15;

    /// <summary>TCP_MSS_DEFAULT = 536: the MSS assumed when the peer's SYN carries no MSS option (RFC 9293 §3.7.1).</summary>
    public const int DefaultPeerMss = 536;
    /// <summary>TCPOLEN_TSTAMP_ALIGNED = 12: bytes the timestamps option takes from every segment's payload.</summary>
    public const int TimestampOptionAligned = 12;
    /// <summary>GSO_LEGACY_MAX_SIZE = 65536: the largest TSO/GSO super-packet (IP total length).</summary>
    public const int GsoMaxSize = 65536;
    /// <summary>net.ipv4.tcp_min_tso_segs = 2.</summary>
    public const int MinTsoSegments = 2;
    /// <summary>net.ipv4.tcp_tso_win_divisor = 3: TSO deferral sends at once when a third of the window is open.</summary>
    public const int TsoWinDivisor = 3;
    /// <summary>sk_pacing_shift = 10: TSO autosizing aims at about 1 ms (2^-10 s) of the pacing rate per super-packet.</summary>
    public const int PacingShift = 10;
    /// <summary>net.ipv4.tcp_pacing_ss_ratio = 200 (%): pacing rate in slow start relative to cwnd/srtt.</summary>
    public const int PacingSlowStartRatio = 200;
    /// <summary>net.ipv4.tcp_pacing_ca_ratio = 120 (%): pacing rate in congestion avoidance.</summary>
    public const int PacingCongestionAvoidanceRatio = 120;
    /// <summary>RFC 7323 §2.3: the largest window-scale shift.</summary>
    public const int MaxWindowScale = 14;
    /// <summary>IP time to live: net.ipv4.ip_default_ttl = 64.</summary>
    public const byte DefaultTtl = 64;
}
