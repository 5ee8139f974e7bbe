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
    /// <summary>A LoadBalancer Service's ingress address (lb:SERVICE[:PORT]), reached the way cluster.load_balancer brings it in.</summary>
    LoadBalancer,
    /// <summary>A name the client resolves first (dns:NAME[:PORT]).</summary>
    Dns,
}
