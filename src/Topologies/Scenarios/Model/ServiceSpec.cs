using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A Service: type, selector, ports and traffic policies, as in the Kubernetes API.</summary>
public sealed record ServiceSpec(
    string Name,
    string Namespace,
    string Type,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<ServicePortSpec> Ports,
    string SessionAffinity,
    SimTime AffinityTimeout,
    string ExternalTrafficPolicy,
    string InternalTrafficPolicy)
{
    /// <summary>
    /// Set when the Service is meant to have no endpoints (to exercise kube-proxy's REJECT); otherwise a Service
    /// whose selector matches no pod is a validation error.
    /// </summary>
    public bool ExpectNoEndpoints { get; init; }

    /// <summary>Index of the "services" item this Service came from (several when it has a count), for error locations.</summary>
    public int SourceIndex { get; init; }

    /// <summary>Where a Service read from a Kubernetes manifest came from (null for the scenario's own "services").</summary>
    public ManifestOrigin? Origin { get; init; }

    public const string ClusterIP = "ClusterIP";
    public const string NodePort = "NodePort";
    public const string Headless = "Headless";
    /// <summary>A NodePort Service that a load-balancer implementation (cluster.load_balancer) also gives an ingress address.</summary>
    public const string LoadBalancer = "LoadBalancer";
    /// <summary>A DNS alias: a CNAME to <see cref="ExternalName"/>, no ClusterIP, nothing for kube-proxy to program.</summary>
    public const string ExternalNameType = "ExternalName";

    /// <summary>spec.externalIPs (scenario "external_ips"): addresses outside the cluster's ranges, routed to a node, served on every port.</summary>
    public IReadOnlyList<NetSim.Engine.Addressing.Ipv4Address> ExternalIps { get; init; } = [];

    /// <summary>
    /// status.loadBalancer.ingress: the address the load-balancer implementation assigned from cluster.load_balancer_pool
    /// (empty for other types, and for a LoadBalancer whose pool ran out: its status stays pending).
    /// </summary>
    public IReadOnlyList<NetSim.Engine.Addressing.Ipv4Address> LoadBalancerIngress { get; init; } = [];

    /// <summary>
    /// spec.healthCheckNodePort: allocated from the NodePort range for a LoadBalancer with externalTrafficPolicy Local
    /// (kube-proxy answers /healthz on it, 200 only with a local ready endpoint); 0 otherwise.
    /// </summary>
    public int HealthCheckNodePort { get; init; }

    /// <summary>spec.trafficDistribution (scenario "traffic_distribution"): "PreferClose" or "" (none, the API's default).</summary>
    public string TrafficDistribution { get; init; } = "";

    /// <summary>The service.kubernetes.io/topology-mode annotation (scenario "topology_mode"): "Auto" or "" (none).</summary>
    public string TopologyMode { get; init; } = "";

    /// <summary>NodePort and LoadBalancer Services have node ports.</summary>
    public bool HasNodePorts => Type is NodePort or LoadBalancer;

    /// <summary>The name an ExternalName Service's CNAME points to (spec.externalName); null for other types.</summary>
    public string? ExternalName { get; init; }
    /// <summary>Default ClientIP affinity timeout: 10800 s (DefaultClientIPServiceAffinitySeconds).</summary>
    public static readonly SimTime DefaultAffinityTimeout = SimTime.FromSeconds(10800);
}
