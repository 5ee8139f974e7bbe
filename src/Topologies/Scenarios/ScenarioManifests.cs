using System.Security.Cryptography;
using System.Text;
using NetSim.Topologies.Manifests;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// A scenario's "manifests": Kubernetes manifest files or folders (relative to the scenario file) whose workloads and
/// Services join the scenario's own, as if written in "workloads" and "services". Manifests named on the command line
/// (--cluster) replace the file's "manifests".
/// </summary>
internal static class ScenarioManifests
{
    public static (ManifestObjects Objects, string Digest) Read(YamlMap top, IReadOnlyList<string> extra, ClusterSpec cluster)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(top.Doc.File)) ?? ".";
        // Manifests named on the command line (netsim run DIR --cluster FILE) stand in for the file's own.
        var named = top.Strings("manifests");
        var own = extra.Count > 0 ? [] : named.Select(p => Path.IsPathRooted(p) ? p : Path.Combine(dir, p)).ToList();
        if (own.Count + extra.Count == 0) return (ManifestObjects.None, "");
        var documents = ManifestFiles.Read(own, (path, problem) => top.Error("manifests", $"'{path}' {problem}"))
            .Concat(ManifestFiles.Read(extra, (path, problem) => new Engine.Diagnostics.InputException(path, 0, "", problem))).ToList();
        var objects = ManifestReader.Read(documents, cluster);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n---\n", documents.Select(d => d.Text))));
        return (objects, Convert.ToHexStringLower(digest));
    }

    /// <summary>
    /// The scenario's namespaces and the manifests' Namespace objects. A manifest may label a namespace the scenario
    /// only implies (a workload's, with nothing but its name label); one the scenario defines with labels is refused.
    /// The API server's immutable kubernetes.io/metadata.name label is added, and another value refused.
    /// </summary>
    public static IReadOnlyList<NamespaceSpec> Namespaces(IReadOnlyList<NamespaceSpec> own, ManifestObjects manifests, YamlMap top)
    {
        if (manifests.Namespaces.Count == 0) return own;
        var list = own.ToList();
        foreach (var ns in manifests.Namespaces)
        {
            var labels = new SortedDictionary<string, string>(ns.Labels.ToDictionary(), StringComparer.Ordinal);
            if (labels.TryGetValue(Policy.ClusterPolicies.NamespaceNameLabel, out string? given) && given != ns.Name)
                throw ns.Document.Error("metadata.labels", $"{Policy.ClusterPolicies.NamespaceNameLabel} is set by the API server to the namespace's name '{ns.Name}' and cannot be '{given}'");
            labels[Policy.ClusterPolicies.NamespaceNameLabel] = ns.Name;
            int i = list.FindIndex(n => n.Name == ns.Name);
            if (i >= 0 && list[i].Labels.Count > 1)
                throw ns.Document.Error("metadata.name", $"namespace '{ns.Name}' is also defined in the scenario's namespaces ({top.Doc.File})");
            if (i >= 0) list[i] = new NamespaceSpec(ns.Name, labels);
            else list.Add(new NamespaceSpec(ns.Name, labels));
        }
        return list;
    }

    /// <summary>Every namespace a workload names exists, with its name label (as the scenario's own reader does).</summary>
    public static IReadOnlyList<NamespaceSpec> WithWorkloadNamespaces(IReadOnlyList<NamespaceSpec> namespaces, IReadOnlyList<WorkloadSpec> workloads)
    {
        var missing = workloads.Select(w => w.Namespace).Distinct(StringComparer.Ordinal).Where(ns => !namespaces.Any(n => n.Name == ns)).ToList();
        if (missing.Count == 0) return namespaces;
        return [.. namespaces, .. missing.Select(ns => new NamespaceSpec(ns, new SortedDictionary<string, string>(StringComparer.Ordinal) { [Policy.ClusterPolicies.NamespaceNameLabel] = ns }))];
    }

    /// <summary>
    /// The scenario's NetworkPolicies and the manifests', each manifest policy checked and converted exactly as a
    /// scenario's (<see cref="NetworkPolicyReader.ReadOne"/>), its errors naming the manifest's file, line and document.
    /// </summary>
    public static IReadOnlyList<PolicySpec> Policies(IReadOnlyList<PolicySpec> own, ManifestObjects manifests, IReadOnlyList<NamespaceSpec> namespaces)
    {
        if (manifests.NetworkPolicies.Count == 0) return own;
        var list = own.ToList();
        foreach (var (d, _) in manifests.NetworkPolicies)
        {
            var doc = YamlDoc.Parse(d.Text, d.File);
            Policy.IPolicyObject policy;
            try
            {
                policy = NetworkPolicyReader.ReadOne(new YamlMap(doc, doc.Root, ""));
            }
            catch (Engine.Diagnostics.InputException e)
            {
                throw new Engine.Diagnostics.InputException(d.File, e.Line, $"{d.Origin.Field}: {e.Field}", e.Problem);
            }
            if (policy.Namespace.Length > 0 && !namespaces.Any(n => n.Name == policy.Namespace))
                throw d.Error("metadata.namespace", $"namespace '{policy.Namespace}' does not exist; add a Namespace object (or a workload in it)");
            if (list.Any(p => p.Policy.Kind == policy.Kind && p.Policy.Namespace == policy.Namespace && p.Policy.Name == policy.Name))
                throw d.Error("metadata.name", $"{policy.Kind} {policy.Namespace}/{policy.Name} is defined twice");
            list.Add(new PolicySpec(policy, d.Root));
        }
        return list;
    }

    /// <summary>The scenario's items followed by the manifests', a name defined in both refused at the manifest.</summary>
    public static IReadOnlyList<T> Join<T>(IReadOnlyList<T> own, IReadOnlyList<T> fromManifests, YamlMap top, string field,
        Func<T, string> key, Func<T, ManifestOrigin?> origin)
    {
        if (fromManifests.Count == 0) return own;
        var names = own.Select(key).ToHashSet(StringComparer.Ordinal);
        foreach (var item in fromManifests)
            if (names.Contains(key(item)))
                throw origin(item)!.Error("metadata.name", $"'{key(item)}' is also defined in the scenario's {field} ({top.Doc.File})");
        return [.. own, .. fromManifests];
    }
}
