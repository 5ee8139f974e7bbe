using NetSim.Engine.Addressing;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Dns;

/// <summary>What uses a DNS-over-TCP connection: told of each answer read and of the connection's end.</summary>
public interface IDnsTcpClientOwner
{
    void OnAnswer(DnsTcpClient connection, DnsMessage answer, long nowPs);
    void OnConnectionClosed(DnsTcpClient connection, TcpCloseReason reason);
}

/// <summary>
/// The client end of DNS over TCP (RFC 1035 §4.2.2, RFC 7766): connect() to port 53, each query written after its
/// 2-byte length once the connection is up, each answer read by its length, in order. The owner decides when to close.
/// </summary>
public sealed class DnsTcpClient : ITcpSocketHandler
{
    private readonly DnsTcpMessages _stream = new();
    private readonly IDnsTcpClientOwner _owner;
    private long _unsent;
    private long _received;
    private bool _closing;

    private DnsTcpClient(IDnsTcpClientOwner owner) => _owner = owner;

    public TcpSocket Socket { get; private set; } = null!;
    public bool Connected { get; private set; }
    /// <summary>close() was called (by the owner, or after the server closed its side): no more queries go on it.</summary>
    public bool Closing => _closing;
    /// <summary>Queries written and not yet answered.</summary>
    public int Outstanding { get; private set; }

    /// <summary>connect() from <paramref name="from"/> to <paramref name="server"/>:53 by the thread on <paramref name="core"/>; null (and why) when the stack refuses.</summary>
    public static DnsTcpClient? Open(TrafficEndpoint from, Ipv4Address server, DnsTcpDirectory directory, IDnsTcpClientOwner owner, int core, out ConnectError error)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(directory);
        var client = new DnsTcpClient(owner);
        var socket = from.Transport.Tcp.Connect(server, DnsPorts.Domain, client, out error, null, core);
        if (socket is null) return null;
        client.Socket = socket;
        directory.Publish(socket.LocalAddress, socket.LocalPort, socket.InitialSendSequence, client._stream);
        return client;
    }

    /// <summary>Writes <paramref name="query"/> (<paramref name="bytes"/> long) after its length, now or once connected.</summary>
    public void Query(DnsMessage query, int bytes)
    {
        int onWire = DnsMessage.TcpLengthBytes + bytes;
        _stream.WriteQuery(query, onWire);
        _unsent += onWire;
        Outstanding++;
        if (Connected) Flush();
    }

    public void Close()
    {
        if (_closing) return;
        _closing = true;
        Socket.Close();
    }

    void ITcpSocketHandler.OnConnected(TcpSocket socket)
    {
        Connected = true;
        Flush();
    }

    void ITcpSocketHandler.OnReceived(TcpSocket socket, int bytes)
    {
        _received += bytes;
        long now = socket.Stack.Node.Sim.NowPicoseconds;
        while (!_closing && _stream.TryReadAnswer(_received, out var answer, out int length))
        {
            _received -= length;
            Outstanding--;
            _owner.OnAnswer(this, answer, now);
        }
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
        while (_unsent > 0 && !_closing)
        {
            int want = (int)Math.Min(_unsent, 1 << 20);
            int sent = Socket.Send(want);
            _unsent -= sent;
            if (sent < want) return;
        }
    }
}
