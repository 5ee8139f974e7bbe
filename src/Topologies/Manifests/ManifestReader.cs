using k8s.Models;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// Reads Kubernetes manifests (files or folders) into what a scenario needs: Namespaces, Deployments, StatefulSets,
/// ReplicaSets, DaemonSets, Pods, Services, NetworkPolicies and NetworkAttachmentDefinitions, each through the official API models. Objects that
/// cannot change the simulated network (ConfigMaps, RBAC, storage, autoscalers, ...) are read past with a note; every
/// other kind is refused, so nothing a user wrote is silently dropped.
/// </summary>
public static class ManifestReader
{
    /// <summary>Kinds with no effect on packets, by API group ("" = core).</summary>
    private static readonly HashSet<string> WithoutNetworkEffect = new(StringComparer.Ordinal)
    {
        "ConfigMap", "Secret", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
        "PersistentVolume", "PersistentVolumeClaim", "StorageClass", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "LimitRange", "ResourceQuota", "PriorityClass", "VerticalPodAutoscaler",
    };

    private static readonly Dictionary<string, string> ApiVersions = new(StringComparer.Ordinal)
    {
        ["Namespace"] = "v1", ["Pod"] = "v1", ["Service"] = "v1",
        ["Deployment"] = "apps/v1", ["StatefulSet"] = "apps/v1", ["ReplicaSet"] = "apps/v1", ["DaemonSet"] = "apps/v1",
        ["NetworkPolicy"] = "networking.k8s.io/v1",
        ["GlobalNetworkPolicy"] = "projectcalico.org/v3",
        ["CiliumNetworkPolicy"] = "cilium.io/v2",
        ["CiliumClusterwideNetworkPolicy"] = "cilium.io/v2",
        ["NetworkAttachmentDefinition"] = "k8s.cni.cncf.io/v1",
    };

    public static ManifestObjects Read(IReadOnlyList<ManifestDocument> documents, ClusterSpec cluster)
    {
        var workloads = new List<WorkloadSpec>();
        var services = new List<ServiceSpec>();
        var namespaces = new List<NamespaceManifest>();
        var policies = new List<(ManifestDocument, V1NetworkPolicy?)>();
        var notes = new List<string>();
        var attachments = new List<NetworkAttachmentSpec>();
        var seen = new Dictionary<(string Kind, string Namespace, string Name), ManifestDocument>();
        foreach (var d in documents)
        {
            string kind = Kind(d);
            if (WithoutNetworkEffect.Contains(kind))
            {
                notes.Add($"{d.File}: document {d.Index} ({d.Title}): a {kind} has no effect on the simulated network; read past");
                continue;
            }
            switch (kind)
            {
                case "Namespace":
                    var ns = KubernetesModel.Read<V1Namespace>(d);
                    namespaces.Add(new NamespaceManifest(ManifestNames.Name(d, ns.Metadata), KubernetesModel.Labels(ns.Metadata?.Labels), d));
                    Once(seen, d, "Namespace", "", namespaces[^1].Name);
                    break;
                case "Service":
                    services.Add(ServiceManifest.Read(d, notes));
                    Once(seen, d, "Service", services[^1].Namespace, services[^1].Name);
                    break;
                case "NetworkPolicy" when d.ApiVersion != "networking.k8s.io/v1":
                case "GlobalNetworkPolicy" or "CiliumNetworkPolicy" or "CiliumClusterwideNetworkPolicy":
                    // Calico's and Cilium's kinds: read and checked field by field by the scenario's policy readers.
                    policies.Add((d, null));
                    Once(seen, d, d.ApiVersion + "/" + kind, kind.StartsWith("Global", StringComparison.Ordinal) || kind.StartsWith("CiliumClusterwide", StringComparison.Ordinal) ? "" : d.Scalar("metadata.namespace") ?? "default", d.Scalar("metadata.name") ?? "");
                    break;
                case "NetworkAttachmentDefinition":
                    attachments.Add(NetworkAttachmentManifest.Read(d));
                    Once(seen, d, kind, attachments[^1].Namespace, attachments[^1].Name);
                    break;
                case "NetworkPolicy":
                    var policy = KubernetesModel.Read<V1NetworkPolicy>(d);
                    policies.Add((d, policy));
                    Once(seen, d, "NetworkPolicy", ManifestNames.Namespace(d, policy.Metadata), ManifestNames.Name(d, policy.Metadata));
                    break;
                default:
                    workloads.Add(WorkloadManifest.Read(d, cluster, notes));
                    // Pods are named after their workload across the whole cluster, so a workload's name is one per scenario.
                    Once(seen, d, "workload", "", workloads[^1].Name);
                    break;
            }
        }
        return new ManifestObjects(workloads, services, namespaces, policies, notes) { NetworkAttachments = attachments };
    }

    /// <summary>The document's kind, checked against the apiVersion NetSim reads it in.</summary>
    private static string Kind(ManifestDocument d)
    {
        string kind = d.Kind, api = d.ApiVersion;
        if (kind.Length == 0) throw d.Error("kind", "is required");
        if (api.Length == 0) throw d.Error("apiVersion", "is required");
        if (WithoutNetworkEffect.Contains(kind)) return kind;
        if (kind == "List") throw KubernetesModel.Unsupported(d, "kind", "a List (write its items as documents separated by '---')");
        if (!ApiVersions.TryGetValue(kind, out string? expected))
            throw d.Error("kind", $"{kind} ({api}) is not modelled by NetSim: it reads {string.Join(", ", ApiVersions.Keys)}, and reads past {string.Join(", ", WithoutNetworkEffect.Order(StringComparer.Ordinal))}");
        if (kind == "NetworkPolicy" && api == "projectcalico.org/v3") return kind;
        if (api != expected) throw d.Error("apiVersion", $"{kind} is read as {expected}, not {api}");
        return kind;
    }

    private static void Once(Dictionary<(string, string, string), ManifestDocument> seen, ManifestDocument d, string kind, string ns, string name)
    {
        if (seen.TryGetValue((kind, ns, name), out var first))
            throw d.Error("metadata.name", $"{(kind == "workload" ? "a workload" : kind)} named '{name}' is already defined in {first.File} document {first.Index}{(kind == "workload" ? " (NetSim names pods after their workload, so workload names are unique across namespaces)" : "")}");
        seen.Add((kind, ns, name), d);
    }
}
