namespace NetSim.Topologies.Scenarios.Model;

/// <summary>The kinds of traffic endpoint.</summary>
public enum EndpointKind
{
    Pod,
    Workload,
    Node,
    Service,
    NodePort,
    External,
    /// <summary>A Service's first external IP (externalip:SERVICE[:PORT]), reached through the node it is routed to.</summary>
    ExternalIp,
    /// <summary>A name the client resolves first (dns:NAME[:PORT]).</summary>
    Dns,
}
