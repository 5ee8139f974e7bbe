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
public sealed class NodeLocalDnsCache(TrafficEndpoint at, DnsZone zone, DnsSpec spec, DnsTcpDirectory tcp)
    : DnsListener(at, zone, spec, tcp), IDnsTcpClientOwner
{
    private readonly Queue<PendingReply> _forwarded = new();
    private DnsTcpClient? _toKubeDns;

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
        ForwardedOverTcp++;
        Forward(reply);
    }

    /// <summary>Sends a query on to kube-dns on the open connection, or a new one when kube-dns has closed it.</summary>
    private void Forward(in PendingReply reply)
    {
        if (_toKubeDns is { Closing: true }) _toKubeDns = null;
        _toKubeDns ??= DnsTcpClient.Open(At, Spec.ClusterIp, Tcp, this, Core, out _)
            ?? throw new InvalidOperationException($"{At.Name}: no port for node-local-dns's connection to kube-dns");
        _forwarded.Enqueue(reply);
        _toKubeDns.Query(reply.Message, QueryBytes(reply.Message.NameId));
    }

    /// <summary>kube-dns answered the oldest forwarded query (answers come in order on the connection): cache it and relay it.</summary>
    void IDnsTcpClientOwner.OnAnswer(DnsTcpClient connection, DnsMessage answer, long nowPs)
    {
        if (connection != _toKubeDns) return;
        var reply = _forwarded.Dequeue();
        Reply(reply, answer.Rcode, answer.AnswerId, nowPs);
    }

    /// <summary>kube-dns closed the connection (CoreDNS's idle timeout): what it left unanswered is sent again on a new one, as forward retries.</summary>
    void IDnsTcpClientOwner.OnConnectionClosed(DnsTcpClient connection, TcpCloseReason reason)
    {
        if (connection != _toKubeDns) return;
        _toKubeDns = null;
        int unanswered = _forwarded.Count;
        for (int i = 0; i < unanswered; i++) Forward(_forwarded.Dequeue());
    }
}
