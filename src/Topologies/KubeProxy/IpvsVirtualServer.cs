using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// An IPVS virtual service ("ipvsadm -A -t VIP:port -s rr [-p timeout]"): its destinations, its scheduler, and
/// for persistent services (kube-proxy's sessionAffinity ClientIP) the persistence templates: a client keeps its
/// destination while it opens connections within the timeout of its previous one.
/// </summary>
public sealed class IpvsVirtualServer
{
    private readonly List<IpvsRealServer> _destinations = new();
    private Dictionary<uint, (IpvsRealServer Destination, long Expires)>? _templates; // persistent services only, made on first use

    internal IpvsVirtualServer(ServiceFrontend frontend, IpvsScheduler scheduler)
    {
        Frontend = frontend;
        Scheduler = scheduler;
    }

    public ServiceFrontend Frontend { get; }
    public IpvsScheduler Scheduler { get; }
    /// <summary>Persistence timeout (ps); 0 for a service without persistence.</summary>
    public long PersistencePs { get; internal set; }
    public IReadOnlyList<IpvsRealServer> Destinations => _destinations;

    /// <summary>Takes a listed virtual service's persistence and destinations (the node's state of a shared one).</summary>
    internal void Apply(IpvsServiceSpec spec)
    {
        PersistencePs = spec.PersistencePs;
        SetDestinations(spec.Destinations);
    }

    /// <summary>Replaces the destination list, keeping the objects (and their connections) of destinations that stay.</summary>
    internal void SetDestinations(IReadOnlyList<ServiceEndpoint> endpoints)
    {
        var kept = new List<IpvsRealServer>(endpoints.Count);
        foreach (ServiceEndpoint ep in endpoints)
        {
            if (Find(kept, ep.Ip, ep.Port) is not null) continue; // listed twice
            kept.Add(Find(_destinations, ep.Ip, ep.Port) ?? new IpvsRealServer(ep.Ip, ep.Port));
        }
        _destinations.Clear();
        _destinations.AddRange(kept);
        Scheduler.DestinationsChanged(_destinations);
    }

    private static IpvsRealServer? Find(List<IpvsRealServer> list, Ipv4Address address, ushort port)
    {
        foreach (IpvsRealServer d in list)
            if (d.Address == address && d.Port == port) return d;
        return null;
    }

    /// <summary>ip_vs_schedule (or ip_vs_sched_persist): the destination of a new connection, null when there is none.</summary>
    internal IpvsRealServer? Schedule(in ConntrackTuple tuple, long now)
    {
        uint client = tuple.Source.Value;
        if (PersistencePs > 0 && _templates is not null && _templates.TryGetValue(client, out var t) && t.Expires > now && _destinations.Contains(t.Destination))
        {
            _templates[client] = (t.Destination, now + PersistencePs);
            return t.Destination;
        }
        IpvsRealServer? d = Scheduler.Schedule(_destinations, tuple, now);
        if (d is not null && PersistencePs > 0) (_templates ??= new())[client] = (d, now + PersistencePs);
        return d;
    }

    public override string ToString() => $"{Frontend} {Scheduler.Name}" + (PersistencePs > 0 ? " persistent" : "") + $" ({_destinations.Count} destinations)";
}
