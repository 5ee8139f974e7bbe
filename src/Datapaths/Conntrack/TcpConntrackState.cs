namespace NetSim.Datapaths.Conntrack;

/// <summary>enum tcp_conntrack: conntrack's view of a TCP connection (not either endpoint's own state).</summary>
public enum TcpConntrackState
{
    None,
    SynSent,
    SynRecv,
    Established,
    FinWait,
    CloseWait,
    LastAck,
    TimeWait,
    Close,
}
