using System.Globalization;
using k8s.Models;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// A v1 Service as a NetSim Service: ClusterIP, NodePort, LoadBalancer or headless (clusterIP: None), its selector, ports (targetPort
/// by number or name), sessionAffinity with its timeout, and the external and internal traffic policies. NetSim gives
/// each Service its ClusterIP from the Service CIDR itself; the types and fields it does not model are refused.
/// </summary>
internal static class ServiceManifest
{
    public static ServiceSpec Read(ManifestDocument d, List<string> notes)
    {
        var svc = KubernetesModel.Read<V1Service>(d);
        var spec = svc.Spec ?? throw d.Error("spec", "is required");
        string type = Type(d, spec);
        Refuse(d, spec);
        if (spec.PublishNotReadyAddresses == true)
            notes.Add($"{d.File}: document {d.Index} ({d.Title}): publishNotReadyAddresses has no effect (every simulated pod is ready)");
        if (spec.Selector is not { Count: > 0 })
            throw KubernetesModel.Unsupported(d, "spec.selector", "a Service without a selector (endpoints written by hand)");
        var read = new ServiceSpec(
            ManifestNames.Name(d, svc.Metadata),
            ManifestNames.Namespace(d, svc.Metadata),
            type,
            KubernetesModel.Labels(spec.Selector),
            Ports(d, spec, type),
            spec.SessionAffinity ?? "None",
            Timeout(d, spec),
            spec.ExternalTrafficPolicy ?? "Cluster",
            spec.InternalTrafficPolicy ?? "Cluster")
        {
            Origin = d.Origin, ExternalIps = ExternalIps(d, spec, type),
            TrafficDistribution = TrafficDistribution(d, spec), TopologyMode = TopologyMode(d, svc.Metadata?.Annotations, notes),
        };
        return read with { HealthCheckNodePort = ServiceReader.HealthCheckNodePort(spec.HealthCheckNodePort ?? 0, read, problem => d.Error("spec.healthCheckNodePort", problem)) };
    }

    /// <summary>spec.trafficDistribution: PreferClose, or PreferSameZone (its newer name, the same zone hints); PreferSameNode's node hints are not modelled.</summary>
    private static string TrafficDistribution(ManifestDocument d, V1ServiceSpec spec) => spec.TrafficDistribution switch
    {
        null => "",
        "PreferClose" or "PreferSameZone" => KubeProxy.TopologyHints.PreferClose,
        "PreferSameNode" => throw KubernetesModel.Unsupported(d, "spec.trafficDistribution", "trafficDistribution PreferSameNode (node hints)"),
        var other => throw d.Error("spec.trafficDistribution", $"'{other}' is not PreferClose, PreferSameZone or PreferSameNode"),
    };

    /// <summary>
    /// service.kubernetes.io/topology-mode (or the older topology-aware-hints when it is absent): the EndpointSlice
    /// controller's hintsEnabled turns Auto (or auto) into proportional hints and treats every other value as off.
    /// </summary>
    private static string TopologyMode(ManifestDocument d, IDictionary<string, string>? annotations, List<string> notes)
    {
        if (annotations is null) return "";
        if (!annotations.TryGetValue("service.kubernetes.io/topology-mode", out string? mode))
            annotations.TryGetValue("service.kubernetes.io/topology-aware-hints", out mode);
        if (mode is "Auto" or "auto") return KubeProxy.TopologyHints.Auto;
        if (mode is not (null or "" or "Disabled" or "disabled"))
            notes.Add($"{d.File}: document {d.Index} ({d.Title}): topology-mode '{mode}' is not Auto, so the EndpointSlice controller writes no hints");
        return "";
    }

    /// <summary>spec.externalIPs, checked as the scenario's external_ips are (their clash with the cluster's ranges later).</summary>
    private static List<Engine.Addressing.Ipv4Address> ExternalIps(ManifestDocument d, V1ServiceSpec spec, string type)
    {
        if (spec.ExternalIPs is not { Count: > 0 } texts) return [];
        if (type == ServiceSpec.Headless) throw d.Error("spec.externalIPs", "a headless Service has no virtual IP for kube-proxy to serve external IPs with");
        var ips = new List<Engine.Addressing.Ipv4Address>();
        foreach (string text in texts)
            if (ServiceReader.AddExternalIp(ips, text) is { } problem) throw d.Error("spec.externalIPs", problem);
        return ips;
    }

    private static string Type(ManifestDocument d, V1ServiceSpec spec)
    {
        string type = spec.Type ?? ServiceSpec.ClusterIP;
        if (type is "ExternalName") throw KubernetesModel.Unsupported(d, "spec.type", $"type {type}");
        if (type is not (ServiceSpec.ClusterIP or ServiceSpec.NodePort or ServiceSpec.LoadBalancer)) throw d.Error("spec.type", $"'{type}' is not a Service type");
        if (spec.ClusterIP == "None")
            return type == ServiceSpec.ClusterIP ? ServiceSpec.Headless : throw d.Error("spec.clusterIP", $"a {type} Service cannot be headless (the API server refuses it)");
        if (spec.AllocateLoadBalancerNodePorts == false)
            throw KubernetesModel.Unsupported(d, "spec.allocateLoadBalancerNodePorts", "a LoadBalancer without node ports (NetSim's load balancers send to NodePorts or to the node)");
        if (spec.ClusterIP is { Length: > 0 })
            throw KubernetesModel.Unsupported(d, "spec.clusterIP", "a chosen clusterIP (NetSim assigns ClusterIPs from cluster.service_cidr)");
        return type;
    }

    private static void Refuse(ManifestDocument d, V1ServiceSpec spec)
    {
        if (spec.LoadBalancerIP is { Length: > 0 }) throw KubernetesModel.Unsupported(d, "spec.loadBalancerIP", "loadBalancerIP");
        if (spec.LoadBalancerSourceRanges is { Count: > 0 }) throw KubernetesModel.Unsupported(d, "spec.loadBalancerSourceRanges", "loadBalancerSourceRanges");
        if (spec.IpFamilies is { } families && families.Any(f => f != "IPv4")) throw KubernetesModel.Unsupported(d, "spec.ipFamilies", "IPv6 (NetSim's cluster is IPv4 single-stack)");
        if (spec.IpFamilyPolicy is { } policy && policy != "SingleStack") throw KubernetesModel.Unsupported(d, "spec.ipFamilyPolicy", $"ipFamilyPolicy {policy} (NetSim's cluster is IPv4 single-stack)");
        if (spec.SessionAffinity is { } a && a is not ("None" or "ClientIP")) throw d.Error("spec.sessionAffinity", $"'{a}' is not None or ClientIP");
        if (spec.ExternalTrafficPolicy is { } e && e is not ("Cluster" or "Local")) throw d.Error("spec.externalTrafficPolicy", $"'{e}' is not Cluster or Local");
        if (spec.InternalTrafficPolicy is { } i && i is not ("Cluster" or "Local")) throw d.Error("spec.internalTrafficPolicy", $"'{i}' is not Cluster or Local");
    }

    /// <summary>sessionAffinityConfig.clientIP.timeoutSeconds: 1..86400, default 10800 (the API's own bounds).</summary>
    private static SimTime Timeout(ManifestDocument d, V1ServiceSpec spec)
    {
        int? seconds = spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds;
        if (seconds is null) return ServiceSpec.DefaultAffinityTimeout;
        if (seconds is < 1 or > 86400) throw d.Error("spec.sessionAffinityConfig.clientIP.timeoutSeconds", $"{seconds} is out of range (1..86400)");
        return SimTime.FromSeconds(seconds.Value);
    }

    private static List<ServicePortSpec> Ports(ManifestDocument d, V1ServiceSpec spec, string type)
    {
        var ports = new List<ServicePortSpec>();
        var list = spec.Ports ?? [];
        if (list.Count == 0) throw d.Error("spec.ports", "a Service needs at least one port");
        for (int i = 0; i < list.Count; i++)
        {
            var p = list[i];
            string at = string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}]");
            if (p.Port is < 1 or > 65535) throw d.Error(at + ".port", $"{p.Port} is not a port (1..65535)");
            string target = p.TargetPort?.Value ?? p.Port.ToString(CultureInfo.InvariantCulture);
            if (target.All(char.IsAsciiDigit) ? !int.TryParse(target, CultureInfo.InvariantCulture, out int t) || t is < 1 or > 65535 : !ServiceReader.IsPortName(target))
                throw d.Error(at + ".targetPort", $"'{target}' is neither a port (1..65535) nor a port name");
            int nodePort = p.NodePort ?? 0;
            if (nodePort != 0 && type is not (ServiceSpec.NodePort or ServiceSpec.LoadBalancer))
                throw d.Error(at + ".nodePort", $"only a NodePort or LoadBalancer Service has node ports (this one is {type})");
            if (nodePort != 0 && nodePort is < ServiceReader.NodePortMin or > ServiceReader.NodePortMax)
                throw d.Error(at + ".nodePort", $"{nodePort} is outside the NodePort range {ServiceReader.NodePortMin}-{ServiceReader.NodePortMax}");
            string protocol = p.Protocol ?? "TCP";
            if (protocol is not ("TCP" or "UDP" or "SCTP")) throw d.Error(at + ".protocol", $"'{protocol}' is not TCP, UDP or SCTP");
            ports.Add(new ServicePortSpec(p.Name ?? "", p.Port, target, nodePort, protocol));
        }
        return ports;
    }
}
