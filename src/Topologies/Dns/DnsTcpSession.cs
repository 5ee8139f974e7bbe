using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Dns;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Topologies.Dns;

/// <summary>
/// One TCP connection accepted by a CoreDNS listener, served as miekg/dns's serveTCPConn serves it: messages read one
/// after another by their 2-byte length, each answered before the next is read (so queries pipelined on one
/// connection wait for each other); the connection stays open for more (CoreDNS sets no query limit) until the
/// client closes it, or until no query arrives within the read timeout after accept (dns.tcp_read_timeout) or the
/// idle timeout after an answer (dns.tcp_idle_timeout), when CoreDNS closes it.
/// </summary>
public sealed class DnsTcpSession : ITcpSocketHandler, IEventTarget
{
    private readonly DnsListener _listener;
    private readonly TcpSocket _socket;
    private readonly DnsTcpMessages? _stream;
    private readonly DnsSpec _spec;
    private long _received;
    private long _unsent;
    private long _timer;
    private bool _busy;
    private bool _closed;

    internal DnsTcpSession(DnsListener listener, TcpSocket socket, DnsTcpMessages? stream, DnsSpec spec)
    {
        _listener = listener;
        _socket = socket;
        _stream = stream;
        _spec = spec;
    }

    /// <summary>Queries this connection carried.</summary>
    public long Queries { get; private set; }

    void ITcpSocketHandler.OnConnected(TcpSocket socket) => Arm(_spec.TcpReadTimeout);

    void ITcpSocketHandler.OnReceived(TcpSocket socket, int bytes)
    {
        _received += bytes;
        ReadNext();
    }

    /// <summary>Hands the next complete query to CoreDNS when the previous one is answered.</summary>
    private void ReadNext()
    {
        if (_busy || _closed || _stream is null || !_stream.TryReadQuery(_received, out var query, out int length)) return;
        _received -= length;
        _busy = true;
        _timer++; // a query is in: no timeout while it is served
        Queries++;
        _listener.ServeTcp(query, this);
    }

    /// <summary>CoreDNS's answer to the query being served: written after its length; the next query may then be read.</summary>
    internal void Answer(DnsMessage answer, int bytes)
    {
        _busy = false;
        if (_closed) return;
        int onWire = DnsMessage.TcpLengthBytes + bytes;
        _stream!.WriteAnswer(answer, onWire);
        _unsent += onWire;
        Flush();
        Arm(_spec.TcpIdleTimeout);
        ReadNext();
    }

    void ITcpSocketHandler.OnSendSpace(TcpSocket socket) => Flush();

    void ITcpSocketHandler.OnPeerClosed(TcpSocket socket) => Close(); // the read returns EOF: serveTCPConn ends

    void ITcpSocketHandler.OnClosed(TcpSocket socket, TcpCloseReason reason) => _closed = true;

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg != _timer || _busy) return; // a query came meanwhile
        Close();
    }

    private void Arm(SimTime timeout) =>
        _socket.Stack.Node.Sim.ScheduleAtPicoseconds(_socket.Stack.Node.Sim.NowPicoseconds + timeout.Picoseconds, this,
            TransportEventKinds.ApplicationTimer, ++_timer, null, _socket.Stack.Node.Id);

    private void Flush()
    {
        while (_unsent > 0 && !_closed)
        {
            int want = (int)Math.Min(_unsent, 1 << 20);
            int sent = _socket.Send(want);
            _unsent -= sent;
            if (sent < want) return;
        }
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        _timer++;
        _socket.Close();
    }
}
