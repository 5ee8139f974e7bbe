namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// What an application learns from its socket (the wakeups of a blocking or epoll-driven program). Callbacks run
/// after the system-call cost of the operation they report has been charged on the socket's core.
/// </summary>
public interface ITcpSocketHandler
{
    /// <summary>connect() or accept() returned: the connection is established.</summary>
    void OnConnected(TcpSocket socket);
    /// <summary>recv() returned <paramref name="bytes"/> bytes (copied, cost charged).</summary>
    void OnReceived(TcpSocket socket, int bytes);
    /// <summary>The send buffer has room again after a short write (EPOLLOUT).</summary>
    void OnSendSpace(TcpSocket socket);
    /// <summary>recv() returned 0: the peer sent FIN and every byte before it was read.</summary>
    void OnPeerClosed(TcpSocket socket);
    /// <summary>The connection is over for the application (TIME_WAIT reached, last ACK received, reset or timeout).</summary>
    void OnClosed(TcpSocket socket, TcpCloseReason reason);
}

/// <summary>A listening application: gives each accepted connection its handler.</summary>
public interface ITcpAcceptHandler
{
    /// <summary>accept() returned <paramref name="socket"/>; returns who handles it (its OnConnected follows).</summary>
    ITcpSocketHandler OnAccept(TcpSocket socket);
}
