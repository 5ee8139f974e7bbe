using System.Globalization;
using k8s.Models;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// Deployments, StatefulSets, ReplicaSets, DaemonSets and bare Pods as NetSim workloads: the pod template's labels,
/// containers and container ports, hostNetwork, and nodeName (pinned placement). Replicas become pods NAME-0..NAME-(n-1)
/// (a StatefulSet's own names; a bare Pod is NAME-0, which `pod:NAME` also names).
/// </summary>
internal static class WorkloadManifest
{
    /// <summary>nodeSelector keys every simulated node satisfies (each is a Linux node of one architecture).</summary>
    private static readonly string[] NodeSelectorKeysEveryNodeHas = ["kubernetes.io/os", "beta.kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/arch"];

    /// <summary>Pod annotations that change the network through a CNI feature NetSim does not model, so they are refused.</summary>
    private static readonly string[] NetworkAnnotationPrefixes =
        ["k8s.v1.cni.cncf.io/", "cni.projectcalico.org/", "kubernetes.io/ingress-bandwidth", "kubernetes.io/egress-bandwidth", "io.cilium", "policy.cilium.io/"];

    public static WorkloadSpec Read(ManifestDocument d, ClusterSpec cluster, List<string> notes)
    {
        return d.Kind switch
        {
            "Deployment" => FromTemplate(d, KubernetesModel.Read<V1Deployment>(d) is var x ? (x.Metadata, x.Spec?.Replicas, x.Spec?.Selector, x.Spec?.Template) : default, "Deployment", cluster, notes),
            "StatefulSet" => FromTemplate(d, KubernetesModel.Read<V1StatefulSet>(d) is var s ? (s.Metadata, s.Spec?.Replicas, s.Spec?.Selector, s.Spec?.Template) : default, "Deployment", cluster, notes),
            "ReplicaSet" => FromTemplate(d, KubernetesModel.Read<V1ReplicaSet>(d) is var r ? (r.Metadata, r.Spec?.Replicas, r.Spec?.Selector, r.Spec?.Template) : default, "Deployment", cluster, notes),
            "DaemonSet" => FromTemplate(d, KubernetesModel.Read<V1DaemonSet>(d) is var ds ? (ds.Metadata, (int?)cluster.Nodes.Count, ds.Spec?.Selector, ds.Spec?.Template) : default, "DaemonSet", cluster, notes),
            "Pod" => FromPod(d, KubernetesModel.Read<V1Pod>(d), cluster, notes),
            _ => throw new InvalidOperationException(d.Kind),
        };
    }

    private static WorkloadSpec FromPod(ManifestDocument d, V1Pod pod, ClusterSpec cluster, List<string> notes)
    {
        var spec = Build(d, pod.Metadata, 1, KubernetesModel.Labels(pod.Metadata?.Labels), pod.Spec, "spec", "Deployment", cluster, notes);
        return spec with { Networks = Networks(d, pod.Metadata?.Annotations, "metadata.annotations", spec.Namespace) };
    }

    /// <summary>The pod's k8s.v1.cni.cncf.io/networks (Multus' secondary networks), checked against the definitions later.</summary>
    private static List<NetworkSelection> Networks(ManifestDocument d, IDictionary<string, string>? annotations, string at, string ns)
    {
        if (annotations is null || !annotations.TryGetValue(NetworkAttachmentSpec.NetworksAnnotation, out string? value)) return [];
        return NetworkSelection.TryParse(value, ns, out var list, out string error) ? list : throw d.Error($"{at}.{NetworkAttachmentSpec.NetworksAnnotation}", error);
    }

    private static WorkloadSpec FromTemplate(ManifestDocument d, (V1ObjectMeta? Meta, int? Replicas, V1LabelSelector? Selector, V1PodTemplateSpec? Template) w,
        string kind, ClusterSpec cluster, List<string> notes)
    {
        if (w.Template?.Spec is null) throw d.Error("spec.template.spec", "is required");
        var labels = KubernetesModel.Labels(w.Template.Metadata?.Labels);
        CheckSelector(d, w.Selector, labels);
        int replicas = w.Replicas ?? 1;
        if (replicas is < 0 or > 1_000_000) throw d.Error("spec.replicas", $"{replicas} is out of range (0..1000000)");
        CheckAnnotations(d, w.Template.Metadata?.Annotations, "spec.template.metadata.annotations");
        var spec = Build(d, w.Meta, replicas, labels, w.Template.Spec, "spec.template.spec", kind, cluster, notes);
        return spec with { Networks = Networks(d, w.Template.Metadata?.Annotations, "spec.template.metadata.annotations", spec.Namespace) };
    }

    /// <summary>The API server's own rule: a workload's selector is required and must select its pod template's labels.</summary>
    private static void CheckSelector(ManifestDocument d, V1LabelSelector? selector, SortedDictionary<string, string> labels)
    {
        if (selector is null) throw d.Error("spec.selector", "is required");
        if (selector.MatchExpressions is { Count: > 0 })
            throw KubernetesModel.Unsupported(d, "spec.selector.matchExpressions", "a workload selector with matchExpressions (use matchLabels)");
        if (selector.MatchLabels is not { Count: > 0 }) throw d.Error("spec.selector.matchLabels", "is required (an empty selector selects nothing)");
        foreach (var (k, v) in selector.MatchLabels)
            if (!labels.TryGetValue(k, out string? have) || have != v)
                throw d.Error("spec.selector.matchLabels", $"selects {k}={v} but the pod template's labels do not have it (the API server refuses this)");
    }

    private static WorkloadSpec Build(ManifestDocument d, V1ObjectMeta? meta, int replicas, SortedDictionary<string, string> labels, V1PodSpec spec,
        string at, string kind, ClusterSpec cluster, List<string> notes)
    {
        string name = ManifestNames.Name(d, meta);
        CheckPlacement(d, spec, at, cluster, notes);
        if (spec.Containers is not { Count: > 0 }) throw d.Error($"{at}.containers", "a pod needs at least one container");
        return new WorkloadSpec(
            name,
            ManifestNames.Namespace(d, meta),
            kind,
            replicas,
            labels,
            Ports(d, spec, at),
            spec.NodeName is null ? "spread" : "pinned",
            spec.NodeName is null ? [] : [spec.NodeName],
            spec.Containers.Select(c => c.Name).ToList(),
            spec.HostNetwork ?? false)
        { Origin = d.Origin, ServiceAccount = spec.ServiceAccountName ?? spec.ServiceAccount ?? "default" };
    }

    private static List<PortSpec> Ports(ManifestDocument d, V1PodSpec spec, string at)
    {
        var ports = new List<PortSpec>();
        for (int c = 0; c < spec.Containers.Count; c++)
        {
            var list = spec.Containers[c].Ports ?? [];
            for (int p = 0; p < list.Count; p++)
            {
                var port = list[p];
                string field = string.Create(CultureInfo.InvariantCulture, $"{at}.containers[{c}].ports[{p}]");
                if (port.HostPort is > 0) throw KubernetesModel.Unsupported(d, field + ".hostPort", "hostPort (the portmap plugin's per-pod mapping)");
                if (port.HostIP is { Length: > 0 }) throw KubernetesModel.Unsupported(d, field + ".hostIP", "hostIP");
                if (port.ContainerPort is < 1 or > 65535) throw d.Error(field + ".containerPort", $"{port.ContainerPort} is not a port (1..65535)");
                string protocol = port.Protocol ?? "TCP";
                if (protocol is not ("TCP" or "UDP" or "SCTP")) throw d.Error(field + ".protocol", $"'{protocol}' is not TCP, UDP or SCTP");
                if (port.Name is { } n && !ServiceReader.IsPortName(n)) throw d.Error(field + ".name", $"'{n}' is not a valid port name (IANA_SVC_NAME)");
                ports.Add(new PortSpec(port.Name ?? "", port.ContainerPort, protocol));
            }
        }
        return ports;
    }

    /// <summary>
    /// Where pods go: NetSim spreads replicas round-robin over the nodes, or pins them (nodeName). Rules it cannot honour
    /// are refused; affinity and spread constraints are noted, since round-robin already spreads replicas over nodes.
    /// </summary>
    private static void CheckPlacement(ManifestDocument d, V1PodSpec spec, string at, ClusterSpec cluster, List<string> notes)
    {
        if (spec.NodeName is { } node && !cluster.Nodes.Any(n => n.Name == node))
            throw d.Error($"{at}.nodeName", $"node '{node}' does not exist; nodes are {string.Join(", ", cluster.Nodes.Select(n => n.Name))}");
        foreach (var key in (spec.NodeSelector ?? new Dictionary<string, string>()).Keys)
            if (!NodeSelectorKeysEveryNodeHas.Contains(key, StringComparer.Ordinal))
                throw KubernetesModel.Unsupported(d, $"{at}.nodeSelector.{key}", $"nodeSelector '{key}' (simulated nodes carry no labels; use nodeName)");
        if (spec.Affinity is not null || spec.TopologySpreadConstraints is { Count: > 0 })
            notes.Add($"{d.File}: document {d.Index} ({d.Title}): affinity and topology spread constraints are read as 'spread': NetSim places replicas round-robin over the nodes");
    }

    private static void CheckAnnotations(ManifestDocument d, IDictionary<string, string>? annotations, string at)
    {
        foreach (var key in (annotations ?? new Dictionary<string, string>()).Keys)
            if (key != NetworkAttachmentSpec.NetworksAnnotation && NetworkAnnotationPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                throw KubernetesModel.Unsupported(d, $"{at}.{key}", $"the network annotation '{key}'");
    }
}
