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
    /// <summary>A name the client resolves first (dns:NAME[:PORT]).</summary>
    Dns,
}
