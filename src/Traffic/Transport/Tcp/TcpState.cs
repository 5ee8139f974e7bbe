namespace NetSim.Traffic.Transport.Tcp;

/// <summary>The connection states of RFC 9293 §3.3.2 (LISTEN lives in <see cref="TcpListener"/>).</summary>
public enum TcpState
{
    Closed,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

/// <summary>
/// The sender's congestion state, as Linux's icsk_ca_state: Open (normal), Disorder (SACKs/dupACKs seen, nothing
/// lost yet), Cwr (reducing after an ECN echo), Recovery (fast recovery after fast retransmit), Loss (after an RTO).
/// </summary>
public enum CongestionState
{
    Open,
    Disorder,
    Cwr,
    Recovery,
    Loss,
}

/// <summary>Why a connection ended, as the application sees it.</summary>
public enum TcpCloseReason
{
    /// <summary>Orderly close: both FINs exchanged and acknowledged.</summary>
    Normal,
    /// <summary>The peer sent a RST (ECONNRESET, or ECONNREFUSED while connecting).</summary>
    Reset,
    /// <summary>Retransmissions gave up (tcp_retries2, tcp_syn_retries): ETIMEDOUT.</summary>
    Timeout,
    /// <summary>The local application aborted with a RST.</summary>
    Aborted,
}

/// <summary>Why connect() failed before sending a SYN.</summary>
public enum ConnectError
{
    None,
    /// <summary>No route to the destination (ENETUNREACH).</summary>
    NoRoute,
    /// <summary>Every ephemeral port is taken for this destination (EADDRNOTAVAIL).</summary>
    NoEphemeralPort,
}
