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
}
