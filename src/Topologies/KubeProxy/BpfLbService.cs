namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One frontend of the eBPF load balancer's service map (cilium_lb4_services): the backends Cluster and Local
/// policies use, and the Service's policies. A lookup is one hash probe (included in the program's cost).
/// </summary>
internal sealed class BpfLbService(ServicePort port, ServiceFrontend frontend, IReadOnlyList<ServiceEndpoint> cluster, IReadOnlyList<ServiceEndpoint> local, bool hasAny)
{
    public ServicePort Port { get; } = port;
    public ServiceFrontend Frontend { get; } = frontend;
    public IReadOnlyList<ServiceEndpoint> Cluster { get; } = cluster;
    public IReadOnlyList<ServiceEndpoint> Local { get; } = local;
    /// <summary>Whether any backend exists anywhere (false: the "no backends" response).</summary>
    public bool HasAny { get; } = hasAny;
}
