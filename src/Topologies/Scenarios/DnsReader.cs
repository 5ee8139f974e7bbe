using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>Reads "dns" (scenarios/README.md lists each field with its default and source).</summary>
internal static class DnsReader
{
    public static DnsSpec Read(YamlMap? m, ClusterSpec cluster, bool resolvesNames)
    {
        var defaultIp = cluster.ServiceCidr.Address((ulong)DnsSpec.ClusterIpIndex);
        if (m is null) return DnsSpec.Default(defaultIp, resolvesNames);
        var ip = defaultIp;
        if (m.OptionalString("cluster_ip") is { } text)
        {
            if (!Ipv4Address.TryParse(text, out ip)) throw m.Error("cluster_ip", $"'{text}' is not an IPv4 address");
            if (!cluster.ServiceCidr.Contains(ip)) throw m.Error("cluster_ip", $"{ip} is outside the Service CIDR {cluster.ServiceCidr}");
        }
        string domain = m.Text("cluster_domain", "cluster.local");
        if (!domain.Split('.').All(Dns1123.IsLabel)) throw m.Error("cluster_domain", $"'{domain}' is not a DNS domain");
        var spec = new DnsSpec(
            m.Flag("enabled", true),
            m.Count("replicas", 2, 1, 100),
            ip,
            domain,
            m.Flag("cache", true),
            m.PositiveTime("cache_ttl", SimTime.FromSeconds(30), SimTime.FromSeconds(3600)),
            m.PositiveTime("record_ttl", SimTime.FromSeconds(5), SimTime.FromSeconds(3600)),
            m.Count("ndots", 5, 0, 15),
            m.PositiveTime("timeout", SimTime.FromSeconds(5), SimTime.FromSeconds(30)),
            m.Count("attempts", 2, 1, 5),
            m.Flag("single_request", false),
            m.Flag("single_request_reopen", false),
            m.OneOf("upstream", DnsSpec.UpstreamAnswer, DnsSpec.UpstreamAnswer, DnsSpec.UpstreamNxdomain))
        {
            NodeLocal = m.Flag("node_local", false),
            UseVc = m.Flag("use_vc", false),
            TcpIdleTimeout = m.PositiveTime("tcp_idle_timeout", SimTime.FromSeconds(10), SimTime.FromSeconds(3600)),
            TcpReadTimeout = m.PositiveTime("tcp_read_timeout", SimTime.FromSeconds(3), SimTime.FromSeconds(3600)),
        };
        if (spec.SingleRequest && spec.SingleRequestReopen)
            throw m.Error("single_request_reopen", "choose single_request or single_request_reopen, not both");
        if (resolvesNames && !spec.Enabled) throw m.Error("enabled", "traffic resolves names (dns:NAME), which needs cluster DNS");
        m.RejectUnknown();
        return spec;
    }
}
