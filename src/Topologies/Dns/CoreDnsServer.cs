using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;

namespace NetSim.Topologies.Dns;

/// <summary>
/// One CoreDNS pod with the kubeadm Corefile's plugins that shape a query: cache (when dns.cache is on), kubernetes
/// (the cluster domain, from <see cref="DnsZone"/>) and forward (other names to the upstream: a fixed delay from the
/// profile, or NXDOMAIN) and loadbalance (round_robin: every reply's A records in a random order, cache hits too, as
/// the plugin wraps the cache; its draws from <paramref name="loadBalance"/>).
/// </summary>
public sealed class CoreDnsServer(TrafficEndpoint at, DnsZone zone, DnsSpec spec, DnsTcpDirectory tcp, Random loadBalance) : DnsListener(at, zone, spec, tcp)
{
    protected override int Order(int answer) => Zone.RoundRobin(answer, loadBalance);

    public long Forwarded { get; private set; }

    protected override bool UsesCache => Spec.Cache;

    protected override void Miss(in PendingReply reply, long donePs)
    {
        var q = reply.Message;
        if (Zone.IsClusterName(q.NameId))
        {
            var (rcode, answer) = Zone.Answer(q.NameId, q.Aaaa);
            Reply(reply, rcode, answer, donePs);
            return;
        }
        Forwarded++;
        var up = Upstream(q, donePs);
        Reply(reply, up.Rcode, up.AnswerId, up.DonePs);
    }
}
