using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Topologies.Dns;

/// <summary>
/// A CoreDNS process listening on UDP port 53 (a CoreDNS pod, or node-local-dns on a node): each query costs
/// coredns.query on its thread; the cache plugin keeps answers and denials for min(their TTL, the cache's cap); a
/// reply leaves when its work (and any upstream wait) is done. What a query is answered with is the subclass's.
/// </summary>
public abstract class DnsListener : IUdpSocketHandler, IEventTarget
{
    private readonly UdpSocket _socket;
    private readonly Dictionary<long, (long ExpiresPs, DnsRcode Rcode, int AnswerId)> _cache = new();
    private readonly Stack<int> _free = new();
    private PendingReply[] _pending = new PendingReply[16];
    private int _used;

    protected DnsListener(TrafficEndpoint at, DnsZone zone, DnsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(at);
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
    }

    protected TrafficEndpoint At { get; }
    protected DnsZone Zone { get; }
    protected DnsSpec Spec { get; }
    protected Simulator Sim { get; }
    protected long QueryPs { get; }
    /// <summary>dns.upstream_latency: the upstream resolver's answer time.</summary>
    protected long UpstreamPs { get; }
    protected int Core { get; }

    public long Queries { get; private set; }
    public long CacheHits { get; private set; }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }

    void IUdpSocketHandler.OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram)
    {
        var q = DnsMessage.Decode(datagram.Tag);
        if (q.Response) return;
        Queries++;
        long now = Sim.NowPicoseconds;
        var node = At.Transport.Namespace.Node;
        long done = node.Cpu[Core].Execute(now, node.Draws.Task(QueryPs), CpuContext.Process, out _);
        var reply = new PendingReply(datagram.Source, datagram.SourcePort, q);
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
        var answered = reply with { Message = q with { Response = true, Rcode = rcode, AnswerId = answer } };
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

    /// <summary>A timer of this listener; the base class's are replies due (their slot).</summary>
    protected virtual void OnTimer(long arg)
    {
        int slot = (int)arg;
        var reply = _pending[slot];
        _free.Push(slot);
        Send(reply);
    }

    private void Send(in PendingReply reply) =>
        _socket.SendTo(reply.To, reply.Port, Math.Min(ReplyBytes(reply.Message.NameId, reply.Message.AnswerId), DnsMessage.MaxUdpBytes), reply.Message.Encode());

    protected int QueryBytes(int nameId) => DnsMessage.QueryBytes(Zone.Names.Name(nameId));

    /// <summary>A reply: the question echoed and the answer section (a reply above 512 bytes is cut there; TC and TCP fallback are not modelled).</summary>
    protected int ReplyBytes(int nameId, int answer) => QueryBytes(nameId) + (Zone.Answers.Get(answer)?.Bytes ?? 0);

    private static long Key(DnsMessage q) => ((long)q.NameId << 1) | (q.Aaaa ? 1L : 0L);

    /// <summary>How long the cache keeps an answer: its TTL (the kubernetes plugin's, also the SOA minimum of a denial) capped by the cache's.</summary>
    private long Ttl(int answer)
    {
        long record = Zone.Answers.Get(answer) is { } a ? a.TtlSeconds * 1_000_000_000_000L : Spec.RecordTtl.Picoseconds;
        return Math.Min(record, Spec.CacheTtl.Picoseconds);
    }

    /// <summary>Who asked (address and port) and what.</summary>
    protected readonly record struct PendingReply(Ipv4Address To, ushort Port, DnsMessage Message);
}
