using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Dns;

/// <summary>
/// glibc's stub resolver (res_send/send_dg) for one getaddrinfo() at a time: for each candidate name of the search
/// expansion it sends the A and AAAA queries in parallel on one UDP socket (two sockets with single-request-reopen;
/// A, then AAAA, with single-request), waits for both, resends what is unanswered after the timeout, and gives up
/// after the attempts. An answer with addresses ends the lookup; NXDOMAIN or no data moves to the next candidate.
/// The socket is opened per lookup, so each lookup is a new conntrack tuple. A truncated answer (TC) sends both
/// queries again over TCP to the same server (send_dg's v_circuit, then send_vc); options use-vc sends every name's
/// queries over TCP from the start. send_vc opens a connection, writes A and AAAA back to back (each after its 2-byte
/// length; single-request does not apply), reads both answers with no timeout of its own, and the connection is
/// closed when res_send returns (no RES_STAYOPEN), so every name tried costs a handshake.
/// </summary>
public sealed class StubResolver : IEventTarget, IUdpSocketHandler, IDnsTcpClientOwner
{
    private const int TimeoutEvent = 1, ConnectFailedEvent = 0;
    private readonly TrafficEndpoint _endpoint;
    private readonly ResolvConf _conf;
    private readonly DnsAnswerTable _answers;
    private readonly Random _ids;
    private readonly Simulator _sim;
    private readonly DnsTcpDirectory _tcp;
    private DnsTcpClient? _vc;
    private int[] _candidates = [];
    private IDnsLookupObserver? _observer;
    private UdpSocket? _socket;
    private UdpSocket? _socketAaaa;
    private int _index;
    private int _attempt;
    private int _core;
    private long _startPs;
    private long _serial;
    private ushort _idA, _idAaaa;
    private bool _waitA, _waitAaaa;
    private DnsMessage _replyA;

    public StubResolver(TrafficEndpoint endpoint, ResolvConf conf, DnsNameTable names, DnsAnswerTable answers, Random ids, DnsTcpDirectory tcp)
    {
        ArgumentNullException.ThrowIfNull(tcp);
        _tcp = tcp;
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(conf);
        ArgumentNullException.ThrowIfNull(names);
        _endpoint = endpoint;
        _conf = conf;
        _answers = answers;
        _ids = ids;
        _sim = endpoint.Transport.Namespace.Node.Sim;
        Names = names;
    }

    public DnsNameTable Names { get; }
    public DnsLookupMetrics Metrics { get; } = new();
    public bool Busy => _observer is not null;
    /// <summary>Whether the last lookup failed because connect() to the nameserver failed (EADDRNOTAVAIL, no route).</summary>
    public bool LastConnectFailed { get; private set; }

    /// <summary>The name numbers getaddrinfo(<paramref name="name"/>) tries, in order (computed once, when traffic is wired).</summary>
    public int[] Plan(string name) => _conf.Candidates(name).Select(Names.Id).ToArray();

    /// <summary>getaddrinfo() on the thread on <paramref name="core"/>: tries <paramref name="plan"/> (from <see cref="Plan"/>).</summary>
    public void Lookup(int[] plan, int core, IDnsLookupObserver observer)
    {
        if (Busy) throw new InvalidOperationException("one getaddrinfo() at a time per resolver");
        _candidates = plan;
        _observer = observer;
        _core = core;
        _startPs = _sim.NowPicoseconds;
        _index = 0;
        LastConnectFailed = false;
        Metrics.Lookups++;
        StartCandidate();
    }

    private void StartCandidate()
    {
        _attempt = 0;
        _idA = (ushort)_ids.Next(1, 65536);
        _idAaaa = (ushort)(_idA + 1);
        _waitA = _waitAaaa = true;
        _replyA = default;
        if (_conf.UseVc)
        {
            SendOverTcp();
            return;
        }
        // send_dg opens its socket when it has none (per lookup, or again after a TCP fallback closed it).
        _socket ??= _endpoint.Transport.Udp.Bind(0, this, _core);
        if (_conf.SingleRequestReopen) _socketAaaa ??= _endpoint.Transport.Udp.Bind(0, this, _core);
        SendPending();
    }

    /// <summary>send_vc: a new connection to the nameserver carrying both queries of the current name.</summary>
    private void SendOverTcp()
    {
        _vc = DnsTcpClient.Open(_endpoint, _conf.Nameserver, _tcp, this, _core, out _);
        if (_vc is null)
        {
            // connect() failed at once (no route, or every ephemeral port to the server in use or in TIME_WAIT):
            // res_send fails; the failure is reported from the event loop, not from inside Lookup().
            Metrics.ConnectFailures++;
            LastConnectFailed = true;
            _sim.ScheduleAtPicoseconds(_sim.NowPicoseconds, this, TransportEventKinds.ApplicationTimer, ConnectFailedEvent + (++_serial << 1));
            return;
        }
        Metrics.TcpConnections++;
        int name = _candidates[_index];
        int bytes = QueryBytes(name);
        Metrics.QueriesSent += 2;
        _vc.Query(new DnsMessage(_idA, false, false, DnsRcode.NoError, name, 0), bytes);
        _vc.Query(new DnsMessage(_idAaaa, false, true, DnsRcode.NoError, name, 0), bytes);
    }

    /// <summary>A truncated answer: the UDP socket is closed and both queries go again over TCP (glibc repeats even an answered one).</summary>
    private void FallBackToTcp()
    {
        _serial++; // disarms the UDP timeout
        Metrics.TcpFallbacks++;
        CloseUdp();
        _waitA = _waitAaaa = true;
        _replyA = default;
        SendOverTcp();
    }

    /// <summary>Sends the queries still unanswered (A first) and arms the timeout.</summary>
    private void SendPending()
    {
        int name = _candidates[_index];
        int bytes = QueryBytes(name);
        if (_waitA) Send(_socket!, new DnsMessage(_idA, false, false, DnsRcode.NoError, name, 0), bytes);
        if (_waitAaaa && !(_conf.SingleRequest && _waitA))
            Send(_socketAaaa ?? _socket!, new DnsMessage(_idAaaa, false, true, DnsRcode.NoError, name, 0), bytes);
        _sim.Schedule(_conf.Timeout, this, TransportEventKinds.ApplicationTimer, TimeoutEvent + (++_serial << 1));
    }

    private int QueryBytes(int name) => DnsMessage.QueryBytes(Names.Name(name));

    private void Send(UdpSocket socket, DnsMessage query, int bytes)
    {
        Metrics.QueriesSent++;
        socket.SendTo(_conf.Nameserver, DnsPorts.Domain, bytes, query.Encode());
    }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }

    void IUdpSocketHandler.OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram)
    {
        if (_observer is null) return;
        var m = DnsMessage.Decode(datagram.Tag);
        if (datagram.Source != _conf.Nameserver || datagram.SourcePort != DnsPorts.Domain) return; // send_dg: only the server asked may answer
        if (!Matches(m)) return;
        if (m.Truncated)
        {
            FallBackToTcp();
            return;
        }
        Accept(m);
    }

    void IDnsTcpClientOwner.OnAnswer(DnsTcpClient connection, DnsMessage answer, long nowPs)
    {
        if (_observer is null || connection != _vc || !Matches(answer)) return;
        Accept(answer);
    }

    /// <summary>The connection ended before both answers were read (reset, or the SYN never answered): res_send fails.</summary>
    void IDnsTcpClientOwner.OnConnectionClosed(DnsTcpClient connection, TcpCloseReason reason)
    {
        if (_observer is null || connection != _vc) return;
        _vc = null;
        Finish(null);
    }

    /// <summary>An answer to a question still open: its name and one of the two ids awaited.</summary>
    private bool Matches(DnsMessage m) =>
        m.Response && m.NameId == _candidates[_index] && (m.Aaaa ? _waitAaaa && m.Id == _idAaaa : _waitA && m.Id == _idA);

    private void Accept(DnsMessage m)
    {
        if (!m.Aaaa && _waitA && m.Id == _idA)
        {
            _waitA = false;
            _replyA = m;
            if (_conf.SingleRequest && _waitAaaa && _vc is null) SendAaaaAfterA(); // over TCP both are already written
        }
        else if (m.Aaaa && _waitAaaa && m.Id == _idAaaa)
        {
            _waitAaaa = false;
        }
        else
        {
            return;
        }
        if (_waitA || _waitAaaa) return;
        _serial++; // disarms the timeout
        CloseVc(); // res_send returns: without RES_STAYOPEN its TCP connection is closed
        if (_replyA.Rcode == DnsRcode.NoError && _answers.Get(_replyA.AnswerId) is { Addresses.Count: > 0 } answer)
        {
            Finish(answer.Addresses[0]);
            return;
        }
        if (++_index < _candidates.Length) StartCandidate();
        else Finish(null);
    }

    private void CloseUdp()
    {
        _socket?.Close();
        _socketAaaa?.Close();
        _socket = _socketAaaa = null;
    }

    private void CloseVc()
    {
        var vc = _vc;
        _vc = null;
        vc?.Close();
    }

    private void SendAaaaAfterA()
    {
        int name = _candidates[_index];
        Send(_socket!, new DnsMessage(_idAaaa, false, true, DnsRcode.NoError, name, 0), QueryBytes(name));
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg >> 1 != _serial || _observer is null) return; // answered meanwhile
        if ((ev.Arg & 1) == ConnectFailedEvent)
        {
            Finish(null);
            return;
        }
        Metrics.Timeouts++;
        if (++_attempt < _conf.Attempts)
        {
            SendPending();
            return;
        }
        Finish(null);
    }

    private void Finish(Ipv4Address? address)
    {
        var observer = _observer!;
        _observer = null;
        _serial++;
        if (address is null) Metrics.Failures++;
        CloseUdp();
        CloseVc();
        observer.OnLookupComplete(this, address, _startPs, _sim.NowPicoseconds);
    }
}
