using NetSim.Engine.Addressing;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>What owns client connections: told when one is established or over.</summary>
public interface ITransactionConnectionOwner
{
    void OnConnected(TransactionClientConnection connection);
    void OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason);
}

/// <summary>
/// The client end of a request/response connection: publishes its transactions for the server, writes requests
/// (resuming on send space), matches response bytes to transactions in order, and closes when the server does.
/// </summary>
public sealed class TransactionClientConnection : ITcpSocketHandler
{
    private readonly ITransactionConnectionOwner _owner;
    private readonly TransactionQueue _toServer = new();
    private readonly TransactionQueue _awaiting = new();
    private long _pendingSend;
    private long _responseBytes;
    private bool _closing;

    private TransactionClientConnection(ITransactionConnectionOwner owner) => _owner = owner;

    public TcpSocket Socket { get; private set; } = null!;
    public bool Connected { get; private set; }
    /// <summary>Transactions whose response has not been read completely.</summary>
    public int AwaitingResponses => _awaiting.Count;
    /// <summary>Close as soon as every response has been read (the client closes first).</summary>
    public bool CloseWhenAnswered { get; set; }
    /// <summary>A free slot number for the owner's bookkeeping.</summary>
    public int Slot { get; init; }

    /// <summary>connect() from <paramref name="from"/> by its thread on <paramref name="core"/>; null (and why) when the stack refuses.</summary>
    public static TransactionClientConnection? Open(TrafficEndpoint from, Ipv4Address server, ushort port, TransactionDirectory directory,
        ITransactionConnectionOwner owner, TcpSocketOptions? options, int slot, int core, out ConnectError error)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(directory);
        var connection = new TransactionClientConnection(owner) { Slot = slot };
        TcpSocket? socket = from.Transport.Tcp.Connect(server, port, connection, out error, options, core);
        if (socket is null) return null;
        connection.Socket = socket;
        directory.Publish(socket.LocalAddress, socket.LocalPort, socket.InitialSendSequence, connection._toServer);
        return connection;
    }

    /// <summary>Starts a transaction now: its request is written as soon as the connection (and send buffer) allow.</summary>
    public void Begin(long requestBytes, long responseBytes, bool serverCloses, ITransactionObserver observer)
    {
        var t = new Transaction(requestBytes, responseBytes, Socket.Stack.Node.Sim.NowPicoseconds, serverCloses, observer);
        _toServer.Enqueue(t);
        if (responseBytes > 0) _awaiting.Enqueue(t);
        _pendingSend += requestBytes;
        if (Connected) Flush();
    }

    /// <summary>close() once nothing more is to be sent.</summary>
    public void Close()
    {
        if (_closing) return;
        _closing = true;
        Socket.Close();
    }

    void ITcpSocketHandler.OnConnected(TcpSocket socket)
    {
        Connected = true;
        _owner.OnConnected(this);
        Flush();
    }

    void ITcpSocketHandler.OnReceived(TcpSocket socket, int bytes)
    {
        _responseBytes += bytes;
        long now = socket.Stack.Node.Sim.NowPicoseconds;
        while (_awaiting.Count > 0 && _responseBytes >= _awaiting.Peek().ResponseBytes)
        {
            Transaction t = _awaiting.Dequeue();
            _responseBytes -= t.ResponseBytes;
            t.Observer?.OnTransactionComplete(t, now);
        }
        if (CloseWhenAnswered && _awaiting.Count == 0 && _pendingSend == 0) Close();
    }

    void ITcpSocketHandler.OnSendSpace(TcpSocket socket) => Flush();

    void ITcpSocketHandler.OnPeerClosed(TcpSocket socket) => Close();

    void ITcpSocketHandler.OnClosed(TcpSocket socket, TcpCloseReason reason)
    {
        Connected = false;
        _owner.OnConnectionClosed(this, reason);
    }

    private void Flush()
    {
        while (_pendingSend > 0 && !_closing)
        {
            int want = (int)Math.Min(_pendingSend, 1 << 20);
            int sent = Socket.Send(want);
            _pendingSend -= sent;
            if (sent < want) return;
        }
    }
}
