using System.Globalization;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "services". An item with "count: N" stands for N Services named NAME-0..NAME-(N-1) with the same
/// selector and ports (node ports, if any, counting up): how scale scenarios get thousands of Services.
/// </summary>
internal static class ServiceReader
{
    /// <summary>The NodePort range: 30000-32767 (DefaultServiceNodePortRange, reference §5.4).</summary>
    public const int NodePortMin = 30000, NodePortMax = 32767;

    public static IReadOnlyList<ServiceSpec> Read(IReadOnlyList<YamlMap> items)
    {
        var list = new List<ServiceSpec>();
        var names = new HashSet<(string, string)>();
        for (int itemIndex = 0; itemIndex < items.Count; itemIndex++)
        {
            var m = items[itemIndex];
            string name = m.Text("name");
            if (!Dns1123.IsLabel(name)) throw m.Error("name", $"'{name}' is not a valid Service name");
            int count = m.Count("count", 1, 1, 100_000);
            var template = ReadOne(m, name) with { SourceIndex = itemIndex };
            if (count > 1 && template.HealthCheckNodePort != 0)
                throw m.Error("health_check_node_port", $"{count} Services cannot share a health check node port");
            if (count > 1 && template.ExternalIps.Count > 0)
                throw m.Error("external_ips", $"{count} Services cannot share external IPs (one address:port serves one Service)");
            m.RejectUnknown();
            for (int i = 0; i < count; i++)
            {
                var svc = count == 1 ? template : template with
                {
                    Name = string.Create(CultureInfo.InvariantCulture, $"{name}-{i}"),
                    Ports = template.Ports.Select(p => p.NodePort == 0 ? p : p with { NodePort = p.NodePort + i }).ToList(),
                };
                if (!names.Add((svc.Name, svc.Namespace)))
                    throw m.Error("name", $"Service '{svc.Name}' is defined twice");
                if (svc.Ports.FirstOrDefault(p => p.NodePort > NodePortMax) is { } over)
                    throw m.Error("count", $"node ports run past {NodePortMax} (Service {svc.Name} would get {over.NodePort})");
                list.Add(svc);
            }
        }
        CheckNodePortsUnique(list, items);
        return list;
    }

    private static ServiceSpec ReadOne(YamlMap m, string name)
    {
        string type = m.OneOf("type", ServiceSpec.ClusterIP, ServiceSpec.ClusterIP, ServiceSpec.NodePort, ServiceSpec.LoadBalancer, ServiceSpec.Headless, ServiceSpec.ExternalNameType);
        if (type == ServiceSpec.ExternalNameType) return ReadExternalName(m, name);
        if (m.Has("external_name")) throw m.Error("external_name", $"only an ExternalName Service has one (this one is {type})");
        var ports = new List<ServicePortSpec>();
        foreach (var p in m.Maps("ports"))
        {
            int port = p.Count("port", 0, 1, 65535);
            if (port == 0) throw p.Error("port", "is required");
            int nodePort = p.Count("node_port", 0, 0, 65535);
            if (nodePort != 0 && type is not (ServiceSpec.NodePort or ServiceSpec.LoadBalancer))
                throw p.Error("node_port", $"only a NodePort or LoadBalancer Service has node ports (this one is {type})");
            if (nodePort != 0 && nodePort is < NodePortMin or > NodePortMax)
                throw p.Error("node_port", $"{nodePort} is outside the NodePort range {NodePortMin}-{NodePortMax}");
            string target = p.OptionalString("target_port") ?? port.ToString(CultureInfo.InvariantCulture);
            if (target.Length > 0 && target.All(char.IsAsciiDigit))
            {
                if (!int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int t) || t is < 1 or > 65535)
                    throw p.Error("target_port", $"{target} is not a port (1..65535)");
            }
            else if (!IsPortName(target))
            {
                throw p.Error("target_port", $"'{target}' is neither a port number nor a port name (IANA_SVC_NAME: 1-15 lower-case letters, digits and '-', with a letter)");
            }
            ports.Add(new ServicePortSpec(p.Text("name", ""), port, target, nodePort, p.OneOf("protocol", "TCP", "TCP", "UDP", "SCTP")));
            p.RejectUnknown();
        }
        if (ports.Count == 0) throw m.Error("ports", "a Service needs at least one port");
        var spec = new ServiceSpec(
            name,
            m.Text("namespace", "default"),
            type,
            m.StringMap("selector"),
            ports,
            m.OneOf("session_affinity", "None", "None", "ClientIP"),
            m.PositiveTime("affinity_timeout", ServiceSpec.DefaultAffinityTimeout),
            m.OneOf("external_traffic_policy", "Cluster", "Cluster", "Local"),
            m.OneOf("internal_traffic_policy", "Cluster", "Cluster", "Local"))
        {
            ExpectNoEndpoints = m.Flag("expect_no_endpoints", false),
            ExternalIps = ExternalIps(m, type),
            TrafficDistribution = m.OneOf("traffic_distribution", "", KubeProxy.TopologyHints.PreferClose),
            TopologyMode = m.OneOf("topology_mode", "", KubeProxy.TopologyHints.Auto),
        };
        spec = spec with { HealthCheckNodePort = HealthCheckNodePort(m.Count("health_check_node_port", 0, 0, 65535), spec, problem => m.Error("health_check_node_port", problem)) };
        if (spec.AffinityTimeout > Engine.Core.SimTime.FromSeconds(86400))
            throw m.Error("affinity_timeout", "is above the 86400 s maximum (MaxClientIPServiceAffinitySeconds)");
        if (spec.Selector.Count == 0 && !spec.ExpectNoEndpoints)
            throw m.Error("selector", "a Service needs a selector (or expect_no_endpoints: true)");
        return spec;
    }

    /// <summary>
    /// "external_ips" (spec.externalIPs): IPv4 unicast addresses, each listed once. Whether they clash with the
    /// cluster's own ranges is checked with the cluster (ScenarioValidator), as the API server leaves it to the admin.
    /// </summary>
    private static List<Engine.Addressing.Ipv4Address> ExternalIps(YamlMap m, string type)
    {
        if (!m.Has("external_ips")) return [];
        if (type == ServiceSpec.Headless) throw m.Error("external_ips", "a headless Service has no virtual IP for kube-proxy to serve external IPs with");
        var ips = new List<Engine.Addressing.Ipv4Address>();
        foreach (string text in m.Strings("external_ips"))
            if (AddExternalIp(ips, text) is { } problem) throw m.Error("external_ips", problem);
        return ips;
    }

    /// <summary>Adds one external IP to <paramref name="ips"/>, or says why it cannot be one (shared with manifests' spec.externalIPs).</summary>
    public static string? AddExternalIp(List<Engine.Addressing.Ipv4Address> ips, string text)
    {
        if (!Engine.Addressing.Ipv4Address.TryParse(text, out var ip)) return $"'{text}' is not an IPv4 address";
        if (ip == Engine.Addressing.Ipv4Address.Any || ip.IsLoopback || (ip.Value >> 28) >= 0xE)
            return $"{ip} is not a unicast address (0.0.0.0, 127/8, multicast and reserved are refused)";
        if (ips.Contains(ip)) return $"{ip} is listed twice";
        ips.Add(ip);
        return null;
    }

    /// <summary>An ExternalName Service: a CNAME and nothing else (no selector, no ports, no proxying).</summary>
    private static ServiceSpec ReadExternalName(YamlMap m, string name)
    {
        string target = m.Text("external_name");
        string bare = target.TrimEnd('.');
        if (bare.Length is 0 or > 253 || !bare.Split('.').All(Dns1123.IsLabel))
            throw m.Error("external_name", $"'{target}' is not a DNS name (RFC 1123 labels)");
        if (m.Has("selector")) throw m.Error("selector", "an ExternalName Service selects no pods");
        if (m.Has("ports")) throw m.Error("ports", "an ExternalName Service is a CNAME: no port is proxied; remove them");
        return new ServiceSpec(name, m.Text("namespace", "default"), ServiceSpec.ExternalNameType, new Dictionary<string, string>(), [],
            "None", ServiceSpec.DefaultAffinityTimeout, "Cluster", "Cluster") { ExternalName = bare, ExpectNoEndpoints = true };
    }

    /// <summary>
    /// spec.healthCheckNodePort as the API server validates it: only for a LoadBalancer with externalTrafficPolicy Local,
    /// inside the NodePort range (0: allocated later, like a node port).
    /// </summary>
    public static int HealthCheckNodePort(int port, ServiceSpec spec, Func<string, Exception> error)
    {
        if (port == 0) return 0;
        if (spec.Type != ServiceSpec.LoadBalancer || spec.ExternalTrafficPolicy != "Local")
            throw error("only a LoadBalancer Service with externalTrafficPolicy Local has a health check node port");
        if (port is < NodePortMin or > NodePortMax) throw error($"{port} is outside the NodePort range {NodePortMin}-{NodePortMax}");
        return port;
    }

    /// <summary>A container port name as Kubernetes validates it (IsValidPortName).</summary>
    public static bool IsPortName(string s) =>
        s.Length is > 0 and <= 15 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s.Any(char.IsAsciiLetterLower)
        && s[0] != '-' && s[^1] != '-' && !s.Contains("--", StringComparison.Ordinal);

    private static void CheckNodePortsUnique(List<ServiceSpec> list, IReadOnlyList<YamlMap> items)
    {
        var seen = new Dictionary<int, string>();
        foreach (var s in list)
            foreach (int port in s.Ports.Where(p => p.NodePort != 0).Select(p => p.NodePort).Append(s.HealthCheckNodePort).Where(p => p != 0))
                if (!seen.TryAdd(port, s.Name))
                    throw items[0].Doc.Error(items[0].Node, "services", $"node port {port} is used by both {seen[port]} and {s.Name}");
    }
}
