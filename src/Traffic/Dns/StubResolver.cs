using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Dns;

/// <summary>
/// glibc's stub resolver (res_send/send_dg) for one getaddrinfo() at a time: for each candidate name of the search
/// expansion it sends the A and AAAA queries in parallel on one UDP socket (two sockets with single-request-reopen;
/// A, then AAAA, with single-request), waits for both, resends what is unanswered after the timeout, and gives up
/// after the attempts. An answer with addresses ends the lookup; NXDOMAIN or no data moves to the next candidate.
/// The socket is opened per lookup, so each lookup is a new conntrack tuple.
/// </summary>
public sealed class StubResolver : IEventTarget, IUdpSocketHandler
{
    private const int TimeoutEvent = 1;
    private readonly TrafficEndpoint _endpoint;
    private readonly ResolvConf _conf;
    private readonly DnsAnswerTable _answers;
    private readonly Random _ids;
    private readonly Simulator _sim;
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

    public StubResolver(TrafficEndpoint endpoint, ResolvConf conf, DnsNameTable names, DnsAnswerTable answers, Random ids)
    {
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
        Metrics.Lookups++;
        _socket = _endpoint.Transport.Udp.Bind(0, this, core);
        _socketAaaa = _conf.SingleRequestReopen ? _endpoint.Transport.Udp.Bind(0, this, core) : null;
        StartCandidate();
    }

    private void StartCandidate()
    {
        _attempt = 0;
        _idA = (ushort)_ids.Next(1, 65536);
        _idAaaa = (ushort)(_idA + 1);
        _waitA = _waitAaaa = true;
        _replyA = default;
        SendPending();
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
        if (!m.Response || m.NameId != _candidates[_index]) return; // a late answer to an earlier question: ignored
        if (!m.Aaaa && _waitA && m.Id == _idA)
        {
            _waitA = false;
            _replyA = m;
            if (_conf.SingleRequest && _waitAaaa) SendAaaaAfterA();
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
        if (_replyA.Rcode == DnsRcode.NoError && _answers.Get(_replyA.AnswerId) is { Addresses.Count: > 0 } answer)
        {
            Finish(answer.Addresses[0]);
            return;
        }
        if (++_index < _candidates.Length) StartCandidate();
        else Finish(null);
    }

    private void SendAaaaAfterA()
    {
        int name = _candidates[_index];
        Send(_socket!, new DnsMessage(_idAaaa, false, true, DnsRcode.NoError, name, 0), QueryBytes(name));
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg >> 1 != _serial || _observer is null) return; // answered meanwhile
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
        _socket?.Close();
        _socketAaaa?.Close();
        _socket = _socketAaaa = null;
        observer.OnLookupComplete(this, address, _startPs, _sim.NowPicoseconds);
    }
}
