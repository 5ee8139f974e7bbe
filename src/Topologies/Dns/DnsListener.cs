using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Topologies.Dns;

/// <summary>
/// A CoreDNS process listening on UDP and TCP port 53 (a CoreDNS pod, or node-local-dns on a node): each query costs
/// coredns.query on its thread; the cache plugin keeps answers and denials for min(their TTL, the cache's cap); a
/// reply leaves when its work (and any upstream wait) is done, cut to the client's limit as CoreDNS's Scrub does (512
/// bytes over UDP, as glibc sends no EDNS0: a longer answer goes out truncated with TC; 65535 over TCP). Queries over
/// TCP come through a <see cref="DnsTcpSession"/> per connection. What a query is answered with is the subclass's.
/// </summary>
public abstract class DnsListener : IUdpSocketHandler, IEventTarget, ITcpAcceptHandler
{
    private readonly UdpSocket _socket;
    private readonly Dictionary<long, (long ExpiresPs, DnsRcode Rcode, int AnswerId)> _cache = new();
    private readonly Stack<int> _free = new();
    private PendingReply[] _pending = new PendingReply[16];
    private int _used;

    protected DnsListener(TrafficEndpoint at, DnsZone zone, DnsSpec spec, DnsTcpDirectory tcp)
    {
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(tcp);
        Tcp = tcp;
        At = at;
        Zone = zone;
        Spec = spec;
        var node = at.Transport.Namespace.Node;
        Sim = node.Sim;
        QueryPs = node.Costs[CostKeys.CorednsQuery].For(0);
        UpstreamPs = node.Costs.DelayPs(DelayKeys.DnsUpstream);
        Core = at.SleepingThread();
        _socket = at.Transport.Udp.Bind(DnsPorts.Domain, this, Core);
        _socket.BoundAddress = at.Address; // CoreDNS's "bind": answers come from the address asked
        at.Transport.Tcp.Listen(DnsPorts.Domain, this, null, Core);
    }

    protected TrafficEndpoint At { get; }
    protected DnsZone Zone { get; }
    protected DnsSpec Spec { get; }
    protected Simulator Sim { get; }
    protected long QueryPs { get; }
    /// <summary>dns.upstream_latency: the upstream resolver's answer time.</summary>
    protected long UpstreamPs { get; }
    protected int Core { get; }
    /// <summary>Where DNS-over-TCP clients leave their message streams (also this listener's own, when it forwards over TCP).</summary>
    protected DnsTcpDirectory Tcp { get; }

    public long Queries { get; private set; }
    public long CacheHits { get; private set; }
    /// <summary>UDP answers sent truncated (TC).</summary>
    public long Truncated { get; private set; }
    /// <summary>Queries that came over TCP.</summary>
    public long TcpQueries { get; private set; }
    /// <summary>TCP connections accepted.</summary>
    public long TcpConnections { get; private set; }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }

    void IUdpSocketHandler.OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram)
    {
        var q = DnsMessage.Decode(datagram.Tag);
        if (q.Response) return;
        Serve(new PendingReply(datagram.Source, datagram.SourcePort, q, null));
    }

    ITcpSocketHandler ITcpAcceptHandler.OnAccept(TcpSocket socket)
    {
        TcpConnections++;
        Tcp.TryTake(socket.RemoteAddress, socket.RemotePort, socket.InitialReceiveSequence, out DnsTcpMessages? stream);
        return new DnsTcpSession(this, socket, stream, Spec);
    }

    /// <summary>A query read from a TCP connection (<paramref name="session"/> answers it there).</summary>
    internal void ServeTcp(DnsMessage q, DnsTcpSession session)
    {
        TcpQueries++;
        Serve(new PendingReply(default, 0, q, session));
    }

    /// <summary>One query: CoreDNS's work on its thread, then the cache or the subclass's answer.</summary>
    private void Serve(in PendingReply reply)
    {
        var q = reply.Message;
        Queries++;
        long now = Sim.NowPicoseconds;
        var node = At.Transport.Namespace.Node;
        long done = node.Cpu[Core].Execute(now, node.Draws.Task(QueryPs), CpuContext.Process, out _);
        if (UsesCache && _cache.TryGetValue(Key(q), out var hit) && hit.ExpiresPs > now)
        {
            CacheHits++;
            Reply(reply, hit.Rcode, hit.AnswerId, done);
            return;
        }
        Miss(reply, done);
    }

    /// <summary>Whether the Corefile has the cache plugin.</summary>
    protected abstract bool UsesCache { get; }

    /// <summary>A query the cache cannot answer, its parsing done at <paramref name="donePs"/>: answer it (<see cref="Reply"/>) now or later.</summary>
    protected abstract void Miss(in PendingReply reply, long donePs);

    /// <summary>The upstream's answer to an outside name (NXDOMAIN at once with upstream: nxdomain): rcode, answer and when it is known.</summary>
    protected (DnsRcode Rcode, int AnswerId, long DonePs) Upstream(DnsMessage q, long donePs) =>
        Spec.Upstream == DnsSpec.UpstreamNxdomain ? (DnsRcode.NxDomain, 0, donePs) : (DnsRcode.NoError, q.Aaaa ? 0 : Zone.Upstream, donePs + UpstreamPs);

    /// <summary>Answers <paramref name="reply"/>'s query at <paramref name="atPs"/>, keeping the answer in the cache.</summary>
    protected void Reply(in PendingReply reply, DnsRcode rcode, int answer, long atPs)
    {
        var q = reply.Message;
        if (UsesCache && (!_cache.TryGetValue(Key(q), out var cached) || cached.ExpiresPs <= Sim.NowPicoseconds))
            _cache[Key(q)] = (atPs + Ttl(answer), rcode, answer);
        var answered = reply with { Message = q with { Response = true, Rcode = rcode, AnswerId = Order(answer) } };
        if (atPs <= Sim.NowPicoseconds)
        {
            Send(answered);
            return;
        }
        int slot;
        if (_free.Count > 0) slot = _free.Pop();
        else
        {
            if (_used == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
            slot = _used++;
        }
        _pending[slot] = answered;
        Sim.ScheduleAtPicoseconds(atPs, this, TransportEventKinds.ApplicationTimer, slot, null, At.Transport.Namespace.Node.Id);
    }

    void IEventTarget.OnEvent(in SimEvent ev) => OnTimer(ev.Arg);

    /// <summary>The answer as it leaves: the records in the order the server's plugins put them (the cache keeps the zone's).</summary>
    protected virtual int Order(int answer) => answer;

    /// <summary>A timer of this listener; the base class's are replies due (their slot).</summary>
    protected virtual void OnTimer(long arg)
    {
        int slot = (int)arg;
        var reply = _pending[slot];
        _free.Push(slot);
        Send(reply);
    }

    /// <summary>The reply leaves, scrubbed to its transport's limit: a datagram, or a message on its TCP connection.</summary>
    private void Send(in PendingReply reply)
    {
        var m = reply.Message;
        var (bytes, truncated) = DnsScrub.Reply(Zone.Names.Name(m.NameId), Zone.Answers.Get(m.AnswerId),
            reply.Session is null ? DnsMessage.MaxUdpBytes : DnsMessage.MaxTcpBytes);
        m = m with { Truncated = truncated };
        if (reply.Session is { } session)
        {
            session.Answer(m, bytes);
            return;
        }
        if (truncated) Truncated++;
        _socket.SendTo(reply.To, reply.Port, bytes, m.Encode());
    }

    protected int QueryBytes(int nameId) => DnsMessage.QueryBytes(Zone.Names.Name(nameId));

    private static long Key(DnsMessage q) => ((long)q.NameId << 1) | (q.Aaaa ? 1L : 0L);

    /// <summary>How long the cache keeps an answer: its TTL (the kubernetes plugin's, also the SOA minimum of a denial) capped by the cache's.</summary>
    private long Ttl(int answer)
    {
        long record = Zone.Answers.Get(answer) is { } a ? a.TtlSeconds * 1_000_000_000_000L : Spec.RecordTtl.Picoseconds;
        return Math.Min(record, Spec.CacheTtl.Picoseconds);
    }

    /// <summary>Who asked (address and port over UDP, or the TCP connection) and what.</summary>
    protected readonly record struct PendingReply(Ipv4Address To, ushort Port, DnsMessage Message, DnsTcpSession? Session);
}
