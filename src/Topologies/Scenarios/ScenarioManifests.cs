using System.Security.Cryptography;
using System.Text;
using NetSim.Topologies.Manifests;
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
        if (objects.NetworkPolicies.Count > 0)
            throw objects.NetworkPolicies[0].Document.Error("kind", "NetworkPolicy objects are not enforced by this build of NetSim; remove them to run the rest");
        if (objects.Namespaces.Count > 0 && objects.Namespaces.FirstOrDefault(n => n.Labels.Count > 0) is { } labelled)
            throw labelled.Document.Error("metadata.labels", "namespace labels are not used by this build of NetSim (nothing selects namespaces yet); remove them");
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n---\n", documents.Select(d => d.Text))));
        return (objects, Convert.ToHexStringLower(digest));
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
