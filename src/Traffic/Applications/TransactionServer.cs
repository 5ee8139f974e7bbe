using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>
/// The server side of request/response traffic (netserver, a web server): listens on a port, reads each request
/// (its size from the client's published transactions, or the default size for unknown clients), writes the
/// response, and closes after it when the transaction says so; otherwise it closes when the client does.
/// </summary>
public sealed class TransactionServer : ITcpAcceptHandler
{
    private readonly TransactionDirectory _directory;

    public TransactionServer(TrafficEndpoint at, ushort port, TransactionDirectory directory, TcpSocketOptions? options = null,
        long defaultRequestBytes = 1, long defaultResponseBytes = 1, int backlog = Transport.LinuxDefaults.Somaxconn)
    {
        ArgumentNullException.ThrowIfNull(at);
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        Endpoint = at;
        Port = port;
        DefaultRequestBytes = Math.Max(1, defaultRequestBytes);
        DefaultResponseBytes = Math.Max(0, defaultResponseBytes);
        Listener = at.Transport.Tcp.Listen(port, this, options, at.SleepingThread(), backlog);
        Listener.ThreadPerConnection = true;
    }

    public TrafficEndpoint Endpoint { get; }
    public ushort Port { get; }
    public TcpListener Listener { get; }
    public long DefaultRequestBytes { get; }
    public long DefaultResponseBytes { get; }
    public long Accepted { get; private set; }
    public long RequestsServed { get; internal set; }

    ITcpSocketHandler ITcpAcceptHandler.OnAccept(TcpSocket socket)
    {
        Accepted++;
        _directory.TryTake(socket.RemoteAddress, socket.RemotePort, socket.InitialReceiveSequence, out TransactionQueue? queue);
        return new Connection(this, socket, queue);
    }

    private sealed class Connection : ITcpSocketHandler
    {
        private readonly TransactionServer _server;
        private readonly TcpSocket _socket;
        private readonly TransactionQueue? _queue;
        private long _requestBytes;
        private long _pendingSend;
        private bool _closeAfterSend;
        private bool _closed;

        public Connection(TransactionServer server, TcpSocket socket, TransactionQueue? queue)
        {
            _server = server;
            _socket = socket;
            _queue = queue;
        }

        public void OnConnected(TcpSocket socket) { }

        public void OnReceived(TcpSocket socket, int bytes)
        {
            _requestBytes += bytes;
            long now = socket.Stack.Node.Sim.NowPicoseconds;
            while (true)
            {
                if (_queue is { Count: > 0 })
                {
                    Transaction head = _queue.Peek();
                    if (_requestBytes < head.RequestBytes) break;
                    Transaction t = _queue.Dequeue();
                    _requestBytes -= t.RequestBytes;
                    _server.RequestsServed++;
                    if (t.ResponseBytes > 0) _pendingSend += t.ResponseBytes;
                    else t.Observer?.OnTransactionComplete(t, now); // one-way flow: done when the server has read it all
                    if (t.ServerCloses) _closeAfterSend = true;
                }
                else if (_queue is null && _requestBytes >= _server.DefaultRequestBytes)
                {
                    _requestBytes -= _server.DefaultRequestBytes;
                    _server.RequestsServed++;
                    _pendingSend += _server.DefaultResponseBytes;
                }
                else
                {
                    break;
                }
            }
            Flush();
        }

        public void OnSendSpace(TcpSocket socket) => Flush();

        public void OnPeerClosed(TcpSocket socket) => Close();

        public void OnClosed(TcpSocket socket, TcpCloseReason reason) => _closed = true;

        private void Flush()
        {
            while (_pendingSend > 0)
            {
                int want = (int)Math.Min(_pendingSend, 1 << 20);
                int sent = _socket.Send(want);
                _pendingSend -= sent;
                if (sent < want) return;
            }
            if (_closeAfterSend) Close();
        }

        private void Close()
        {
            if (_closed) return;
            _closed = true;
            _socket.Close();
        }
    }
}
