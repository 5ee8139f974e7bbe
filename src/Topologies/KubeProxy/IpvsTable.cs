namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The IPVS virtual-service table of a namespace (ip_vs_svc_table): virtual services hashed by address, protocol
/// and port, so finding the one a packet is for is one lookup however many Services there are.
/// </summary>
public sealed class IpvsTable
{
    private readonly Dictionary<ServiceFrontend, IpvsVirtualServer> _services = new();

    public int Count => _services.Count;

    /// <summary>Every virtual service (for reports; not the per-packet path).</summary>
    public IEnumerable<IpvsVirtualServer> Services => _services.Values;

    public bool TryGet(in ServiceFrontend frontend, out IpvsVirtualServer service) => _services.TryGetValue(frontend, out service!);

    /// <summary>The virtual service for <paramref name="frontend"/>, created with <paramref name="scheduler"/> if new.</summary>
    internal IpvsVirtualServer GetOrAdd(in ServiceFrontend frontend, string scheduler)
    {
        if (_services.TryGetValue(frontend, out IpvsVirtualServer? vs)) return vs;
        vs = new IpvsVirtualServer(frontend, IpvsScheduler.Create(scheduler));
        _services.Add(frontend, vs);
        return vs;
    }

    /// <summary>The virtual service for <paramref name="frontend"/> with a scheduler of the caller's (a load balancer's flow hash).</summary>
    internal IpvsVirtualServer GetOrAdd(in ServiceFrontend frontend, IpvsScheduler scheduler)
    {
        if (_services.TryGetValue(frontend, out IpvsVirtualServer? vs)) return vs;
        vs = new IpvsVirtualServer(frontend, scheduler);
        _services.Add(frontend, vs);
        return vs;
    }

    /// <summary>Deletes every virtual service not in <paramref name="keep"/> (cleanLegacyService).</summary>
    internal void RemoveExcept(HashSet<ServiceFrontend> keep)
    {
        var doomed = new List<ServiceFrontend>();
        foreach (ServiceFrontend f in _services.Keys)
            if (!keep.Contains(f)) doomed.Add(f);
        foreach (ServiceFrontend f in doomed) _services.Remove(f);
    }
}
