using k8s.Models;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Manifests;

/// <summary>metadata.name and metadata.namespace as the API server validates them (RFC 1123 labels; "default" when no namespace is given).</summary>
internal static class ManifestNames
{
    public static string Name(ManifestDocument d, V1ObjectMeta? meta)
    {
        if (meta?.GenerateName is { Length: > 0 } && meta.Name is null)
            throw KubernetesModel.Unsupported(d, "metadata.generateName", "generateName (give the object a metadata.name)");
        string name = meta?.Name ?? throw d.Error("metadata.name", "is required");
        if (!Dns1123.IsLabel(name)) throw d.Error("metadata.name", $"'{name}' is not a valid name (lower-case letters, digits and '-', at most 63)");
        return name;
    }

    public static string Namespace(ManifestDocument d, V1ObjectMeta? meta)
    {
        string ns = meta?.NamespaceProperty ?? "default";
        if (!Dns1123.IsLabel(ns)) throw d.Error("metadata.namespace", $"'{ns}' is not a valid namespace name");
        return ns;
    }
}
