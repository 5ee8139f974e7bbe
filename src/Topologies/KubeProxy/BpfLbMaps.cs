using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The eBPF load balancer's service map (cilium_lb4_services) as three hash maps by frontend: ClusterIPs, external and
/// load-balancer IPs, and NodePorts (keyed by port, any node address). Either a node's own (Service ports with a Local
/// policy or zone hints) or, for the ports every node programs alike, one written by the first node synced and read
/// by every node (<see cref="Shared"/>). A lookup is one hash probe per map asked (inside the program's cost).
/// </summary>
internal sealed class BpfLbMaps
{
    private static readonly SharedServiceLayer<BpfLbMaps> Layers = new();
    private readonly Dictionary<ServiceFrontend, BpfLbService> _services = new();
    private readonly Dictionary<ServiceFrontend, BpfLbService> _nodePorts = new();
    private readonly Dictionary<ServiceFrontend, BpfLbService> _externalIps = new();

    /// <summary>Frontends in the three maps.</summary>
    public int Count => _services.Count + _nodePorts.Count + _externalIps.Count;

    /// <summary>The maps of <paramref name="services"/>' ports that are the same on every node, built by the first node that asks.</summary>
    public static BpfLbMaps Shared(IReadOnlyList<ServicePort> services) => Layers.For(services, static same =>
    {
        var maps = new BpfLbMaps();
        foreach (ServicePort svc in same) maps.Add(svc, EndpointCategories.Of(svc, ""));
        return maps;
    });

    /// <summary>Writes <paramref name="svc"/>'s frontends with the backends <paramref name="eps"/> gives them.</summary>
    public void Add(ServicePort svc, EndpointCategories eps)
    {
        var lb = new BpfLbService(svc, svc.ClusterFrontend, eps.Cluster, eps.Local, eps.HasAny);
        _services[svc.ClusterFrontend] = lb;
        // An external or load-balancer IP is a frontend of its own in the service map, treated like a NodePort (external policy).
        foreach (var (externalIp, _) in svc.ExternalFrontendIps) _externalIps[new ServiceFrontend(externalIp, svc.Protocol, svc.Port)] = lb;
        if (svc.NodePort != 0) _nodePorts[NodePortKey(svc.Protocol, svc.NodePort)] = lb;
    }

    public void Clear()
    {
        _services.Clear();
        _nodePorts.Clear();
        _externalIps.Clear();
    }

    public bool TryGetClusterIp(in ServiceFrontend frontend, out BpfLbService svc) => _services.TryGetValue(frontend, out svc!);
    public bool TryGetExternalIp(in ServiceFrontend frontend, out BpfLbService svc) => _externalIps.TryGetValue(frontend, out svc!);
    public bool TryGetNodePort(byte protocol, ushort port, out BpfLbService svc) => _nodePorts.TryGetValue(NodePortKey(protocol, port), out svc!);

    /// <summary>Whether a frontend is in both maps (the node then writes every port itself, so the last port listed wins as before).</summary>
    public bool Overlaps(BpfLbMaps other)
    {
        foreach (ServiceFrontend f in _services.Keys) if (other._services.ContainsKey(f)) return true;
        foreach (ServiceFrontend f in _externalIps.Keys) if (other._externalIps.ContainsKey(f)) return true;
        foreach (ServiceFrontend f in _nodePorts.Keys) if (other._nodePorts.ContainsKey(f)) return true;
        return false;
    }

    private static ServiceFrontend NodePortKey(byte protocol, ushort port) => new(Ipv4Address.Any, protocol, port);
}
