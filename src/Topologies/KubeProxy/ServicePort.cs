using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One port of one Service with its endpoints: what every proxy mode programs a node from (kube-proxy's
/// ServicePort plus its EndpointSlice endpoints). <paramref name="Protocol"/> is the IP protocol number (6 TCP,
/// 17 UDP); <paramref name="NodePort"/> 0 means none; <paramref name="PortName"/> may be empty (an unnamed port).
/// </summary>
public sealed record ServicePort(
    string Namespace,
    string Name,
    string PortName,
    byte Protocol,
    Ipv4Address ClusterIp,
    ushort Port,
    ushort NodePort,
    IReadOnlyList<ServiceEndpoint> Endpoints,
    bool SessionAffinityClientIp,
    long AffinityTimeoutSeconds,
    bool ExternalTrafficPolicyLocal,
    bool InternalTrafficPolicyLocal)
{
    /// <summary>DefaultClientIPServiceAffinitySeconds.</summary>
    public const long DefaultAffinityTimeoutSeconds = 10800;

    /// <summary>ServicePortName.String(): "ns/name" or "ns/name:portName".</summary>
    public string ServicePortName => PortName.Length == 0 ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}:{PortName}";

    /// <summary>The lower-case protocol name kube-proxy hashes and prints ("tcp", "udp").</summary>
    public string ProtocolName => Protocol switch
    {
        Ipv4Header.ProtocolTcp => "tcp",
        Ipv4Header.ProtocolUdp => "udp",
        _ => throw new InvalidOperationException($"{ServicePortName}: protocol {Protocol} is not TCP or UDP"),
    };

    /// <summary>spec.externalIPs: addresses routed to a node that kube-proxy serves this port on, like a NodePort (empty: none).</summary>
    public IReadOnlyList<Ipv4Address> ExternalIps { get; init; } = [];

    /// <summary>status.loadBalancer.ingress of a LoadBalancer Service: addresses kube-proxy serves this port on like external IPs (empty: none).</summary>
    public IReadOnlyList<Ipv4Address> LoadBalancerIps { get; init; } = [];

    /// <summary>spec.healthCheckNodePort (LoadBalancer with externalTrafficPolicy Local): where kube-proxy answers /healthz for it; 0: none.</summary>
    public ushort HealthCheckNodePort { get; init; }

    /// <summary>ExternallyAccessible(): a NodePort, an external IP or a load-balancer IP.</summary>
    public bool ExternallyAccessible => NodePort != 0 || ExternalIps.Count > 0 || LoadBalancerIps.Count > 0;

    /// <summary>The external IPs then the load-balancer IPs, each with the word kube-proxy's rule comments use (for syncs, not per packet).</summary>
    public IEnumerable<(Ipv4Address Ip, string What)> ExternalFrontendIps =>
        ExternalIps.Select(ip => (ip, " external IP")).Concat(LoadBalancerIps.Select(ip => (ip, " loadbalancer IP")));

    /// <summary>UsesClusterEndpoints(): internal policy Cluster, or any external access (needed for short-circuiting).</summary>
    public bool UsesClusterEndpoints => !InternalTrafficPolicyLocal || ExternallyAccessible;

    /// <summary>UsesLocalEndpoints().</summary>
    public bool UsesLocalEndpoints => InternalTrafficPolicyLocal || (ExternalTrafficPolicyLocal && ExternallyAccessible);

    /// <summary>The key of the ClusterIP frontend.</summary>
    public ServiceFrontend ClusterFrontend => new(ClusterIp, Protocol, Port);

    /// <summary>Throws for what no proxy mode can program (bad protocol, timeout out of range).</summary>
    public void Validate()
    {
        if (Protocol is not (Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp))
            throw new ArgumentException($"{ServicePortName}: protocol {Protocol} is not TCP (6) or UDP (17)");
        if (Port == 0) throw new ArgumentException($"{ServicePortName}: port 0");
        if (SessionAffinityClientIp && AffinityTimeoutSeconds is < 1 or > 86400)
            throw new ArgumentException($"{ServicePortName}: sessionAffinity timeout {AffinityTimeoutSeconds} s is outside 1..86400 (MaxClientIPServiceAffinitySeconds)");
    }

    public override string ToString() => $"{ServicePortName} {ProtocolName} {ClusterIp}:{Port}" + (NodePort != 0 ? $" nodePort {NodePort}" : "")
        + (ExternalIps.Count > 0 ? $" externalIPs {string.Join(",", ExternalIps)}" : "")
        + (LoadBalancerIps.Count > 0 ? $" loadBalancer {string.Join(",", LoadBalancerIps)}" : "");
}
