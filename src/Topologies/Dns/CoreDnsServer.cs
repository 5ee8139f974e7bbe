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
/// One CoreDNS pod with the kubeadm Corefile's plugins that shape a query: cache (when on: an answer is kept for
/// min(its TTL, the cache's cap), denials too), kubernetes (the cluster domain, from <see cref="DnsZone"/>) and
/// forward (other names go to the upstream: a fixed delay from the profile, or NXDOMAIN). Each query costs
/// coredns.query on the server's thread; the reply leaves on its socket when that work (and any upstream wait) is done.
/// </summary>
public sealed class CoreDnsServer : IUdpSocketHandler, IEventTarget
{
    private readonly TrafficEndpoint _at;
    private readonly DnsZone _zone;
    private readonly DnsSpec _spec;
    private readonly UdpSocket _socket;
    private readonly Simulator _sim;
    private readonly long _queryPs;
    private readonly long _upstreamPs;
    private readonly Dictionary<long, (long ExpiresPs, DnsRcode Rcode, int AnswerId)> _cache = new();
    private PendingReply[] _pending = new PendingReply[16];
    private readonly Stack<int> _free = new();
    private int _used;
    private readonly int _core;

    public CoreDnsServer(TrafficEndpoint at, DnsZone zone, DnsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(at);
        _at = at;
        _zone = zone;
        _spec = spec;
        var node = at.Transport.Namespace.Node;
        _sim = node.Sim;
        _queryPs = node.Costs[CostKeys.CorednsQuery].For(0);
        _upstreamPs = node.Costs.DelayPs(DelayKeys.DnsUpstream);
        _core = at.SleepingThread();
        _socket = at.Transport.Udp.Bind(DnsPorts.Domain, this, _core);
    }

    public long Queries { get; private set; }
    public long CacheHits { get; private set; }
    public long Forwarded { get; private set; }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId) { }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }

    void IUdpSocketHandler.OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram)
    {
        var q = DnsMessage.Decode(datagram.Tag);
        if (q.Response) return;
        Queries++;
        long now = _sim.NowPicoseconds;
        var node = _at.Transport.Namespace.Node;
        long done = node.Cpu[_core].Execute(now, node.Draws.Task(_queryPs), CpuContext.Process, out _);
        long key = ((long)q.NameId << 1) | (q.Aaaa ? 1L : 0L);
        DnsRcode rcode;
        int answer;
        if (_spec.Cache && _cache.TryGetValue(key, out var hit) && hit.ExpiresPs > now)
        {
            CacheHits++;
            (rcode, answer) = (hit.Rcode, hit.AnswerId);
        }
        else
        {
            (rcode, answer) = Resolve(q, ref done);
            if (_spec.Cache) _cache[key] = (done + Ttl(answer), rcode, answer);
        }
        Queue(new PendingReply(datagram.Source, datagram.SourcePort, new DnsMessage(q.Id, true, q.Aaaa, rcode, q.NameId, answer), ReplyBytes(q.NameId, answer)), done);
    }

    /// <summary>The kubernetes plugin for the cluster domain, forward (after the upstream's delay) for the rest.</summary>
    private (DnsRcode, int) Resolve(DnsMessage q, ref long done)
    {
        if (_zone.IsClusterName(q.NameId)) return _zone.Answer(q.NameId, q.Aaaa);
        Forwarded++;
        if (_spec.Upstream == DnsSpec.UpstreamNxdomain) return (DnsRcode.NxDomain, 0);
        done += _upstreamPs;
        return (DnsRcode.NoError, q.Aaaa ? 0 : _zone.Upstream);
    }

    /// <summary>How long the cache keeps an answer: its TTL (the kubernetes plugin's, also the SOA minimum of a denial) capped by the cache's.</summary>
    private long Ttl(int answer)
    {
        long record = _zone.Answers.Get(answer) is { } a ? a.TtlSeconds * 1_000_000_000_000L : _spec.RecordTtl.Picoseconds;
        return Math.Min(record, _spec.CacheTtl.Picoseconds);
    }

    private int ReplyBytes(int nameId, int answer) =>
        DnsMessage.QueryBytes(_zone.Names.Name(nameId)) + (_zone.Answers.Get(answer)?.Bytes ?? 0);

    private void Queue(in PendingReply reply, long at)
    {
        int slot;
        if (_free.Count > 0) slot = _free.Pop();
        else
        {
            if (_used == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
            slot = _used++;
        }
        _pending[slot] = reply;
        _sim.ScheduleAtPicoseconds(at, this, TransportEventKinds.ApplicationTimer, slot, null, _at.Transport.Namespace.Node.Id);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        int slot = (int)ev.Arg;
        var r = _pending[slot];
        _free.Push(slot);
        int bytes = Math.Min(r.Bytes, DnsMessage.MaxUdpBytes);
        _socket.SendTo(r.To, r.Port, bytes, r.Message.Encode());
    }

    private readonly record struct PendingReply(Engine.Addressing.Ipv4Address To, ushort Port, DnsMessage Message, int Bytes);
}
