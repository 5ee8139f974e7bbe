namespace NetSim.Traffic.Transport.Tcp;

/// <summary>ECN negotiation (net.ipv4.tcp_ecn).</summary>
public enum EcnMode
{
    /// <summary>tcp_ecn = 0: never.</summary>
    Off,
    /// <summary>tcp_ecn = 2 (Linux's default): use ECN when the peer asks for it, never ask.</summary>
    AcceptOnly,
    /// <summary>tcp_ecn = 1: ask on outgoing connections and accept on incoming ones (RFC 3168).</summary>
    On,
}

/// <summary>
/// Per-socket TCP settings (setsockopt and the sysctls behind them). Defaults are Linux's, except the send buffer:
/// Linux autotunes it from tcp_wmem[1] up to tcp_wmem[2]; we do not model that and start at the ceiling. The
/// receive buffer is autotuned as Linux does (net.ipv4.tcp_moderate_rcvbuf = 1) unless SO_RCVBUF fixes it.
/// </summary>
public sealed record TcpSocketOptions
{
    public static readonly TcpSocketOptions Default = new();

    /// <summary>SO_SNDBUF: bytes the socket accepts from the application beyond SND.UNA.</summary>
    public int SendBufferBytes { get; init; } = LinuxDefaults.TcpWmemMax;
    /// <summary>
    /// SO_RCVBUF: bytes of received data (in order or not) the socket holds, fixed (SOCK_RCVBUF_LOCK); null (the
    /// default) starts at tcp_rmem[1] and lets autotuning grow it up to tcp_rmem[2]. The advertised window is the
    /// free space scaled by tcp_adv_win_scale.
    /// </summary>
    public int? ReceiveBufferBytes { get; init; }
    /// <summary>TCP_NODELAY: disables Nagle's algorithm (RFC 896; Linux uses Minshall's variant).</summary>
    public bool NoDelay { get; init; }
    /// <summary>net.ipv4.tcp_congestion_control (default cubic).</summary>
    public CongestionControlAlgorithm CongestionControl { get; init; } = CongestionControlAlgorithm.Cubic;
    /// <summary>net.ipv4.tcp_sack = 1 (RFC 2018).</summary>
    public bool Sack { get; init; } = true;
    /// <summary>net.ipv4.tcp_timestamps = 1 (RFC 7323): 12 bytes of every segment go to the option.</summary>
    public bool Timestamps { get; init; } = true;
    /// <summary>net.ipv4.tcp_window_scaling = 1 (RFC 7323).</summary>
    public bool WindowScaling { get; init; } = true;
    /// <summary>net.ipv4.tcp_ecn (default 2: accept only).</summary>
    public EcnMode Ecn { get; init; } = EcnMode.AcceptOnly;
    /// <summary>Initial congestion window in segments (RFC 6928: 10; route option initcwnd).</summary>
    public int InitialCwndSegments { get; init; } = LinuxDefaults.InitialCwndSegments;
    /// <summary>Delayed ACKs (RFC 1122 §4.2.3.2, RFC 9293 §3.8.6.3); false behaves like TCP_QUICKACK set on every read.</summary>
    public bool DelayedAck { get; init; } = true;
    /// <summary>TSO/GSO: hand the stack super-packets of several MSS (sized like tcp_tso_autosize); false sends one MSS per packet.</summary>
    public bool SegmentationOffload { get; init; } = true;
    /// <summary>How many bytes one recv() call asks for (iperf3's default block is 128 KiB).</summary>
    public int ReadSizeBytes { get; init; } = 128 * 1024;

    /// <summary>Throws when a value is out of range (a scenario error).</summary>
    public void Validate()
    {
        if (SendBufferBytes < LinuxDefaults.TcpWmemMin) throw new ArgumentOutOfRangeException(nameof(SendBufferBytes), SendBufferBytes, $"at least {LinuxDefaults.TcpWmemMin} bytes (tcp_wmem[0])");
        if (ReceiveBufferBytes is { } rcvBuf && rcvBuf < LinuxDefaults.TcpRmemMin) throw new ArgumentOutOfRangeException(nameof(ReceiveBufferBytes), ReceiveBufferBytes, $"at least {LinuxDefaults.TcpRmemMin} bytes (tcp_rmem[0])");
        if (InitialCwndSegments < 1) throw new ArgumentOutOfRangeException(nameof(InitialCwndSegments), InitialCwndSegments, "at least 1 segment");
        if (ReadSizeBytes < 1) throw new ArgumentOutOfRangeException(nameof(ReadSizeBytes), ReadSizeBytes, "at least 1 byte");
    }
}
