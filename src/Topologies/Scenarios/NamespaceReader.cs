using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "namespaces": each a name and labels. The API server labels every namespace kubernetes.io/metadata.name=NAME
/// and that label cannot be changed (Kubernetes 1.21+), so it is added here and a different value is an error.
/// Namespaces a workload names but the list does not get that one label only.
/// </summary>
internal static class NamespaceReader
{
    public static IReadOnlyList<NamespaceSpec> Read(IReadOnlyList<YamlMap> items, IReadOnlyList<WorkloadSpec> workloads)
    {
        var list = new List<NamespaceSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in items)
        {
            string name = m.Text("name");
            if (!Dns1123.IsLabel(name)) throw m.Error("name", $"'{name}' is not a valid namespace name (lower-case letters, digits and '-', at most 63)");
            if (!names.Add(name)) throw m.Error("name", $"namespace '{name}' is defined twice");
            var labels = new SortedDictionary<string, string>(m.StringMap("labels").ToDictionary(), StringComparer.Ordinal);
            if (labels.TryGetValue(ClusterPolicies.NamespaceNameLabel, out string? given) && given != name)
                throw m.Error("labels", $"{ClusterPolicies.NamespaceNameLabel} is set by the API server to the namespace's name '{name}' and cannot be '{given}'");
            labels[ClusterPolicies.NamespaceNameLabel] = name;
            m.RejectUnknown();
            list.Add(new NamespaceSpec(name, labels));
        }
        foreach (string ns in workloads.Select(w => w.Namespace).Distinct(StringComparer.Ordinal))
            if (names.Add(ns))
                list.Add(new NamespaceSpec(ns, new SortedDictionary<string, string>(StringComparer.Ordinal) { [ClusterPolicies.NamespaceNameLabel] = ns }));
        return list;
    }
}
