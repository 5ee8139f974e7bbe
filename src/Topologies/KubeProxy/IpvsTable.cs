namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The IPVS virtual-service table of a namespace (ip_vs_svc_table): virtual services hashed by address, protocol
/// and port, so finding the one a packet is for is one lookup however many Services there are. Its entries are the
/// node's own (NodePorts on its addresses, Local-policy ports, a load balancer's) and the ones it lists from an
/// <see cref="IpvsSharedServices"/> written once for every node; the node's state for a listed one (scheduler,
/// persistence templates, connections) is created with its first connection.
/// </summary>
public sealed class IpvsTable
{
    private readonly Dictionary<ServiceFrontend, IpvsVirtualServer> _services = new();
    private IpvsSharedServices? _shared;
    private Dictionary<ServiceFrontend, IpvsVirtualServer>? _listed;
    private string _listedScheduler = "rr";

    public int Count => _services.Count + (_shared?.Count ?? 0);
    /// <summary>Virtual services the node holds itself; the rest of <see cref="Count"/> it lists from the ones every node shares.</summary>
    public int OwnCount => _services.Count;

    /// <summary>Every virtual service, the listed ones' node state created if it was not yet (for reports; not the per-packet path).</summary>
    public IEnumerable<IpvsVirtualServer> Services
    {
        get
        {
            var all = new List<IpvsVirtualServer>(_services.Values);
            if (_shared is not null)
                foreach (var (frontend, spec) in _shared.Specs) all.Add(Listed(frontend, spec));
            return all;
        }
    }

    /// <summary>The virtual service for <paramref name="frontend"/>: the node's own, or its state of a listed one (created on first use).</summary>
    public bool TryGet(in ServiceFrontend frontend, out IpvsVirtualServer service)
    {
        if (_services.TryGetValue(frontend, out service!)) return true;
        if (_shared is null || !_shared.TryGet(frontend, out IpvsServiceSpec spec)) return false;
        service = Listed(frontend, spec);
        return true;
    }

    /// <summary>Starts a sync: the node lists <paramref name="shared"/> (null: none), its own virtual services scheduled by <paramref name="scheduler"/>.</summary>
    internal void List(IpvsSharedServices? shared, string scheduler)
    {
        _shared = shared;
        _listedScheduler = scheduler;
    }

    /// <summary>Whether <paramref name="frontend"/> is one of the listed shared virtual services.</summary>
    internal bool IsListed(in ServiceFrontend frontend) => _shared is not null && _shared.Contains(frontend);

    /// <summary>The virtual service for <paramref name="frontend"/>, created with <paramref name="scheduler"/> if new.</summary>
    internal IpvsVirtualServer GetOrAdd(in ServiceFrontend frontend, string scheduler) => GetOrAdd(frontend, () => IpvsScheduler.Create(scheduler));

    /// <summary>The virtual service for <paramref name="frontend"/> with a scheduler of the caller's (a load balancer's flow hash).</summary>
    internal IpvsVirtualServer GetOrAdd(in ServiceFrontend frontend, IpvsScheduler scheduler) => GetOrAdd(frontend, () => scheduler);

    private IpvsVirtualServer GetOrAdd(in ServiceFrontend frontend, Func<IpvsScheduler> scheduler)
    {
        if (_services.TryGetValue(frontend, out IpvsVirtualServer? vs)) return vs;
        // Listed until now: the node keeps its state (connections, scheduler position), as ipvsadm -E would.
        if (_listed is null || !_listed.Remove(frontend, out vs)) vs = new IpvsVirtualServer(frontend, scheduler());
        _services.Add(frontend, vs);
        return vs;
    }

    /// <summary>
    /// Ends a sync: deletes every own virtual service not in <paramref name="keep"/> (cleanLegacyService), keeping the
    /// state of one that is now listed, and brings the listed ones' state up to their specs.
    /// </summary>
    internal void RemoveExcept(HashSet<ServiceFrontend> keep)
    {
        var doomed = new List<ServiceFrontend>();
        foreach (ServiceFrontend f in _services.Keys)
            if (!keep.Contains(f)) doomed.Add(f);
        foreach (ServiceFrontend f in doomed)
        {
            _services.Remove(f, out IpvsVirtualServer? vs);
            if (IsListed(f)) (_listed ??= new()).Add(f, vs!);
        }
        if (_listed is null) return;
        doomed.Clear();
        foreach (var (f, vs) in _listed)
        {
            if (_shared is not null && _shared.TryGet(f, out IpvsServiceSpec spec)) vs.Apply(spec);
            else doomed.Add(f);
        }
        foreach (ServiceFrontend f in doomed) _listed.Remove(f);
    }

    private IpvsVirtualServer Listed(in ServiceFrontend frontend, IpvsServiceSpec spec)
    {
        _listed ??= new();
        if (_listed.TryGetValue(frontend, out IpvsVirtualServer? vs)) return vs;
        vs = new IpvsVirtualServer(frontend, IpvsScheduler.Create(_listedScheduler));
        vs.Apply(spec);
        _listed.Add(frontend, vs);
        return vs;
    }
}
