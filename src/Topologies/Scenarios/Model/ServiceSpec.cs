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
    /// <summary>A DNS alias: a CNAME to <see cref="ExternalName"/>, no ClusterIP, nothing for kube-proxy to program.</summary>
    public const string ExternalNameType = "ExternalName";

    /// <summary>spec.externalIPs (scenario "external_ips"): addresses outside the cluster's ranges, routed to a node, served on every port.</summary>
    public IReadOnlyList<NetSim.Engine.Addressing.Ipv4Address> ExternalIps { get; init; } = [];

    /// <summary>The name an ExternalName Service's CNAME points to (spec.externalName); null for other types.</summary>
    public string? ExternalName { get; init; }
    /// <summary>Default ClientIP affinity timeout: 10800 s (DefaultClientIPServiceAffinitySeconds).</summary>
    public static readonly SimTime DefaultAffinityTimeout = SimTime.FromSeconds(10800);
}
