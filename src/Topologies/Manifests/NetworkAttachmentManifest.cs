using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// A NetworkAttachmentDefinition (k8s.cni.cncf.io/v1, the Network Plumbing WG's CRD): metadata.name and namespace,
/// spec.config (the CNI configuration as a JSON string) and the k8s.v1.cni.cncf.io/resourceName annotation.
/// </summary>
internal static class NetworkAttachmentManifest
{
    public static NetworkAttachmentSpec Read(ManifestDocument d)
    {
        string name = d.Scalar("metadata.name") ?? throw d.Error("metadata.name", "is required");
        if (!Dns1123.IsSubdomain(name)) throw d.Error("metadata.name", $"'{name}' is not a valid name (a DNS-1123 subdomain)");
        string ns = d.Scalar("metadata.namespace") ?? "default";
        string config = d.Scalar("spec.config") ?? throw d.Error("spec.config", "is required (the CNI configuration, a JSON string)");
        string resource = "";
        if (d.Find("metadata.annotations") is YamlDotNet.RepresentationModel.YamlMappingNode annotations)
            foreach (var (k, v) in annotations.Children)
                if (k is YamlDotNet.RepresentationModel.YamlScalarNode { Value: NetworkAttachmentSpec.ResourceNameAnnotation } && v is YamlDotNet.RepresentationModel.YamlScalarNode rv)
                    resource = rv.Value ?? "";
        var spec = new NetworkAttachmentSpec(ns, name, config, resource) { Origin = d.Origin };
        if (NetworkAttachmentReader.Problem(spec) is { } problem) throw d.Error("spec.config", problem);
        return spec;
    }
}
