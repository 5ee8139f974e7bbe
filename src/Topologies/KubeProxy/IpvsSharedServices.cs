namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The virtual services of the Service ports every node programs alike (ClusterIP, external and load-balancer IP
/// frontends of ports without Local policies or zone hints), written once and listed by every node's
/// <see cref="IpvsTable"/>; each node creates its own <see cref="IpvsVirtualServer"/> state for one of them when its
/// first connection arrives.
/// </summary>
internal sealed class IpvsSharedServices
{
    private static readonly SharedServiceLayer<IpvsSharedServices> Layers = new();
    private readonly Dictionary<ServiceFrontend, IpvsServiceSpec> _specs = new();

    public int Count => _specs.Count;
    public IEnumerable<KeyValuePair<ServiceFrontend, IpvsServiceSpec>> Specs => _specs;

    public bool TryGet(in ServiceFrontend frontend, out IpvsServiceSpec spec) => _specs.TryGetValue(frontend, out spec!);

    public bool Contains(in ServiceFrontend frontend) => _specs.ContainsKey(frontend);

    /// <summary>The shared virtual services of <paramref name="services"/> (built by the first node that asks).</summary>
    public static IpvsSharedServices For(IReadOnlyList<ServicePort> services) => Layers.For(services, Build);

    private static IpvsSharedServices Build(IReadOnlyList<ServicePort> same)
    {
        var shared = new IpvsSharedServices();
        foreach (ServicePort svc in same)
        {
            // Node-independent categories: Cluster for every policy (a port with a Local policy is never here).
            IReadOnlyList<ServiceEndpoint> destinations = EndpointCategories.Of(svc, "").Cluster;
            var spec = new IpvsServiceSpec(KubeProxyIpvs.PersistencePs(svc), destinations);
            shared._specs[svc.ClusterFrontend] = spec; // a frontend listed twice: the later port's, as a per-node sync would leave it
            foreach (var (ip, _) in svc.ExternalFrontendIps) shared._specs[new ServiceFrontend(ip, svc.Protocol, svc.Port)] = spec;
        }
        return shared;
    }
}
