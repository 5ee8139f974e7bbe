using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Dns;

namespace NetSim.Topologies.Dns;

/// <summary>
/// What CoreDNS's kubernetes plugin answers for the cluster domain (the DNS-based service discovery spec): a
/// ClusterIP Service's name is one A record, a headless Service's one A per ready endpoint, an ExternalName
/// Service's a CNAME; any other name in the cluster domain is NXDOMAIN. Names outside it go upstream. AAAA has no
/// records (an IPv4 cluster): NOERROR with no answer. Built once per run; a query reads it without allocating.
/// An answer of several A records also has its orders for CoreDNS's loadbalance plugin (<see cref="RoundRobin"/>).
/// </summary>
public sealed class DnsZone
{
    private readonly Dictionary<int, int> _answerOf = new();
    // An answer of n > 1 A records: the ids of its n - 1 other orders, record k (1..n-1) first, consecutive from First.
    private readonly Dictionary<int, (int First, int Count)> _ordersOf = new();
    private readonly string _suffix;

    public DnsZone(DnsSpec spec, DnsNameTable names, DnsAnswerTable answers, IEnumerable<(ServiceSpec Spec, Ipv4Address? ClusterIp, IReadOnlyList<BuiltPod> Pods)> services)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(services);
        Names = names;
        Answers = answers;
        _suffix = "." + spec.ClusterDomain;
        int ttl = (int)(spec.RecordTtl.Picoseconds / 1_000_000_000_000L);
        foreach (var (svc, ip, pods) in services)
        {
            string name = $"{svc.Name}.{svc.Namespace}.svc.{spec.ClusterDomain}";
            DnsAnswer answer = svc.Type switch
            {
                // CoreDNS follows the CNAME through its upstream and returns the target's A record with it.
                ServiceSpec.ExternalNameType => new DnsAnswer(svc.ExternalName, [UpstreamAddress], ttl),
                ServiceSpec.Headless => new DnsAnswer(null, pods.Select(p => p.Address).ToArray(), ttl),
                _ => new DnsAnswer(null, ip is { } a ? [a] : [], ttl),
            };
            int id = answers.Add(answer);
            _answerOf[names.Id(name)] = id;
            AddOrders(id, answer);
        }
        // The upstream's answer for a name outside the cluster: one A record (TEST-NET-1, RFC 5737).
        Upstream = answers.Add(new DnsAnswer(null, [UpstreamAddress], ttl));
    }

    /// <summary>
    /// The orders loadbalance's round_robin can give <paramref name="answer"/>: its shuffle starts by swapping the first
    /// record with one drawn uniformly (coredns plugin/loadbalance), and later swaps never move the first again, so
    /// "record k first, the rest as swap(0, k) leaves them" is each order a stub resolver can tell apart.
    /// </summary>
    private void AddOrders(int id, DnsAnswer answer)
    {
        int n = answer.Addresses.Count;
        if (n < 2) return;
        int first = 0;
        for (int k = 1; k < n; k++)
        {
            var order = answer.Addresses.ToArray();
            (order[0], order[k]) = (order[k], order[0]);
            int v = Answers.Add(answer with { Addresses = order });
            if (k == 1) first = v;
        }
        _ordersOf[id] = (first, n - 1);
    }

    /// <summary>
    /// CoreDNS's loadbalance plugin (round_robin, in kubeadm's default Corefile) on a reply: an answer of several A
    /// records leaves with a uniformly drawn one first; any other answer as it is.
    /// </summary>
    public int RoundRobin(int answer, Random draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        if (!_ordersOf.TryGetValue(answer, out var orders)) return answer;
        int k = draw.Next(orders.Count + 1);
        return k == 0 ? answer : orders.First + k - 1;
    }

    /// <summary>What the upstream resolves every outside name to: TEST-NET-1's 192.0.2.1 (RFC 5737), nobody's address.</summary>
    public static readonly Ipv4Address UpstreamAddress = new(0xC0000201);

    public DnsNameTable Names { get; }
    public DnsAnswerTable Answers { get; }
    /// <summary>The answer an upstream resolver gives for an external name.</summary>
    public int Upstream { get; }

    /// <summary>Whether <paramref name="nameId"/> is in the cluster domain (the kubernetes plugin answers it) or goes upstream.</summary>
    public bool IsClusterName(int nameId) => Names.Name(nameId).EndsWith(_suffix, StringComparison.Ordinal);

    /// <summary>The kubernetes plugin's answer: NXDOMAIN for an unknown name, no data for AAAA.</summary>
    public (DnsRcode Rcode, int AnswerId) Answer(int nameId, bool aaaa)
    {
        if (!_answerOf.TryGetValue(nameId, out int answer)) return (DnsRcode.NxDomain, 0);
        return (DnsRcode.NoError, aaaa ? 0 : answer);
    }
}
