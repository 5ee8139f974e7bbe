using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>Reads "workloads": Deployments and DaemonSets as named pod groups.</summary>
internal static class WorkloadReader
{
    public static IReadOnlyList<WorkloadSpec> Read(IReadOnlyList<YamlMap> items, ClusterSpec cluster, IReadOnlyList<NetworkAttachmentSpec>? attachments = null, string datapath = "")
    {
        var list = new List<WorkloadSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in items)
        {
            string name = m.Text("name");
            if (!Dns1123.IsLabel(name)) throw m.Error("name", $"'{name}' is not a valid name (lower-case letters, digits and '-', at most 63)");
            if (!names.Add(name)) throw m.Error("name", $"workload '{name}' is defined twice");
            string kind = m.OneOf("kind", "Deployment", "Deployment", "DaemonSet");
            int replicas = kind == "DaemonSet" ? cluster.Nodes.Count : m.Count("replicas", 1, 0, 1_000_000);
            var labels = m.StringMap("labels");
            var spec = new WorkloadSpec(
                name,
                m.Text("namespace", "default"),
                kind,
                replicas,
                labels.Count > 0 ? labels : new SortedDictionary<string, string>(StringComparer.Ordinal) { ["app"] = name },
                ReadPorts(m),
                m.OneOf("placement", kind == "DaemonSet" ? "spread" : "spread", "spread", "pack", "pinned"),
                m.Strings("nodes"),
                m.Strings("containers") is { Count: > 0 } c ? c : ["app"],
                m.Flag("host_network", false))
            { ServiceAccount = ServiceAccount(m) };
            if (m.Has("networks")) spec = spec with { Networks = NetworkAttachmentReader.Selections(m, spec, attachments ?? [], datapath) };
            if (spec.Placement == "pinned" && spec.Nodes.Count == 0)
                throw m.Error("nodes", "placement: pinned needs the nodes to pin to");
            foreach (string node in spec.Nodes)
                if (!cluster.Nodes.Any(n => n.Name == node))
                    throw m.Error("nodes", $"node '{node}' does not exist; nodes are {string.Join(", ", cluster.Nodes.Select(n => n.Name))}");
            m.RejectUnknown();
            list.Add(spec);
        }
        return list;
    }

    private static List<PortSpec> ReadPorts(YamlMap m)
    {
        var ports = new List<PortSpec>();
        foreach (var p in m.Maps("ports"))
        {
            ports.Add(new PortSpec(p.Text("name", ""), p.Count("port", 0, 1, 65535), p.OneOf("protocol", "TCP", "TCP", "UDP", "SCTP")));
            if (ports[^1].Port == 0) throw p.Error("port", "is required");
            p.RejectUnknown();
        }
        return ports;
    }

    /// <summary>service_account: the pod's service account (what Calico serviceAccount selectors match), "default" as the API server defaults it.</summary>
    private static string ServiceAccount(NetSim.Topologies.Scenarios.Yaml.YamlMap m)
    {
        string sa = m.Text("service_account", "default");
        return Dns1123.IsSubdomain(sa) ? sa : throw m.Error("service_account", $"'{sa}' is not a valid service account name");
    }
}
