using NetSim.Datapaths.Conntrack;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// An IPVS scheduling algorithm (ip_vs_scheduler) of one virtual service: picks the destination of each new
/// connection. kube-proxy's --ipvs-scheduler: rr (default), lc, dh, sh, sed, nq.
/// </summary>
public abstract class IpvsScheduler
{
    /// <summary>The schedulers kube-proxy accepts.</summary>
    public static readonly string[] Names = ["rr", "lc", "dh", "sh", "sed", "nq"];

    public abstract string Name { get; }

    /// <summary>The destination for a new connection with tuple <paramref name="tuple"/>; null when none is available.</summary>
    internal abstract IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now);

    /// <summary>Called when the destination list changed (hash-based schedulers rebuild their tables).</summary>
    internal virtual void DestinationsChanged(IReadOnlyList<IpvsRealServer> destinations) { }

    /// <summary>A new scheduler instance for one virtual service.</summary>
    public static IpvsScheduler Create(string name) => name switch
    {
        "rr" => new IpvsRoundRobin(),
        "lc" => new IpvsLeastConnection(),
        "sh" => new IpvsHashing(source: true),
        "dh" => new IpvsHashing(source: false),
        "sed" => new IpvsShortestExpectedDelay(neverQueue: false),
        "nq" => new IpvsShortestExpectedDelay(neverQueue: true),
        _ => throw new ArgumentException($"unknown IPVS scheduler '{name}'; kube-proxy accepts {string.Join(", ", Names)}", nameof(name)),
    };

    public override string ToString() => Name;
}
