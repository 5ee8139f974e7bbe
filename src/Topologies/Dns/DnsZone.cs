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
/// </summary>
public sealed class DnsZone
{
    private readonly Dictionary<int, int> _answerOf = new();
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
            _answerOf[names.Id(name)] = answers.Add(answer);
        }
        // The upstream's answer for a name outside the cluster: one A record (TEST-NET-1, RFC 5737).
        Upstream = answers.Add(new DnsAnswer(null, [UpstreamAddress], ttl));
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
