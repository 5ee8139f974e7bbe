using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Topologies.Dns;

/// <summary>
/// NodeLocal DNSCache (the node-local-dns DaemonSet, host network): a CoreDNS listening on a link-local address of
/// every node, with the Corefile the add-on ships: answers from its cache (capped at 30 s, as "cache 30"), cluster-
/// domain misses forwarded to kube-dns over one persistent TCP connection ("forward ... { force_tcp }"), every other
/// name to the node's upstream resolver. Queries to it are NOTRACK (<see cref="NodeLocalDns"/>), so they never meet
/// the conntrack race; only its TCP connection to kube-dns is tracked and DNATed.
/// </summary>
public sealed class NodeLocalDnsCache(TrafficEndpoint at, DnsZone zone, DnsSpec spec, TransactionDirectory directory)
    : DnsListener(at, zone, spec), ITransactionObserver, ITransactionConnectionOwner
{
    private readonly Queue<PendingReply> _forwarded = new();
    private TransactionClientConnection? _toKubeDns;

    /// <summary>Queries sent on to kube-dns over TCP.</summary>
    public long ForwardedOverTcp { get; private set; }

    protected override bool UsesCache => true;

    protected override void Miss(in PendingReply reply, long donePs)
    {
        var q = reply.Message;
        if (!Zone.IsClusterName(q.NameId))
        {
            var up = Upstream(q, donePs); // ".:53 { forward . /etc/resolv.conf }": the node's upstream, not kube-dns
            Reply(reply, up.Rcode, up.AnswerId, up.DonePs);
            return;
        }
        _toKubeDns ??= TransactionClientConnection.Open(At, Spec.ClusterIp, DnsPorts.Domain, directory, this, null, 0, Core, out _)
            ?? throw new InvalidOperationException($"{At.Name}: no port for node-local-dns's connection to kube-dns");
        ForwardedOverTcp++;
        _forwarded.Enqueue(reply);
        // DNS over TCP (RFC 1035 §4.2.2): each message after a 2-byte length, in order on the connection.
        var (_, answer) = Zone.Answer(q.NameId, q.Aaaa);
        _toKubeDns.Begin(2 + QueryBytes(q.NameId), 2 + ReplyBytes(q.NameId, answer), serverCloses: false, this);
    }

    /// <summary>kube-dns answered the oldest forwarded query with CoreDNS's kubernetes plugin's answer: cache it and relay it.</summary>
    void ITransactionObserver.OnTransactionComplete(in Transaction transaction, long nowPs)
    {
        var reply = _forwarded.Dequeue();
        var (rcode, answer) = Zone.Answer(reply.Message.NameId, reply.Message.Aaaa);
        Reply(reply, rcode, answer, nowPs);
    }

    void ITransactionConnectionOwner.OnConnected(TransactionClientConnection connection) { }

    void ITransactionConnectionOwner.OnConnectionClosed(TransactionClientConnection connection, TcpCloseReason reason) => _toKubeDns = null;
}
