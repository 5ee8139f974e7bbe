namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// proxy.CategorizeEndpoints for one Service port on one node: the endpoints "Cluster" traffic policy uses (ready
/// ones anywhere, else serving terminating ones), those "Local" policy uses (ready local ones, else serving
/// terminating local ones), the union of both, and whether the Service has any usable endpoint at all.
/// Endpoints are in kube-proxy's order: sorted by their "ip:port" string (byEndpoint), ordinally.
/// Cluster endpoints honour zone hints (topologyModeFromHints / availableForTopology): when every ready endpoint
/// carries a zone hint and at least one names this node's zone, only endpoints hinted for that zone are used; Local
/// endpoints never look at hints. Node hints (PreferSameNode) are not modelled.
/// </summary>
public sealed class EndpointCategories
{
    private static readonly ServiceEndpoint[] None = [];
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ServicePort, ServiceEndpoint[]> SortedCache = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ServicePort, EndpointCategories> ClusterOnlyCache = new();

    private EndpointCategories(ServiceEndpoint[] cluster, ServiceEndpoint[] local, ServiceEndpoint[] all, bool hasAny)
    {
        Cluster = cluster;
        Local = local;
        AllReachable = all;
        HasAny = hasAny;
    }

    public IReadOnlyList<ServiceEndpoint> Cluster { get; }
    public IReadOnlyList<ServiceEndpoint> Local { get; }
    /// <summary>Every endpoint this node may send to (each gets a KUBE-SEP chain).</summary>
    public IReadOnlyList<ServiceEndpoint> AllReachable { get; }
    /// <summary>Whether any node has a usable endpoint (false: REJECT).</summary>
    public bool HasAny { get; }

    /// <summary>The endpoints of <paramref name="svc"/> in kube-proxy's order (computed once per Service port, shared by every node).</summary>
    public static IReadOnlyList<ServiceEndpoint> Sorted(ServicePort svc) => SortedCache.GetValue(svc, Sort);

    private static ServiceEndpoint[] Sort(ServicePort svc)
    {
        var sorted = new ServiceEndpoint[svc.Endpoints.Count];
        var keys = new string[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            sorted[i] = svc.Endpoints[i];
            keys[i] = sorted[i].Text;
        }
        Array.Sort(keys, sorted, StringComparer.Ordinal);
        return sorted;
    }

    public static EndpointCategories Of(ServicePort svc, string nodeName, string zone = "") =>
        SameOnEveryNode(svc) ? ClusterOnlyCache.GetValue(svc, static s => Categorize(s, "", "")) : Categorize(svc, nodeName, zone);

    /// <summary>
    /// Whether every node gets the same categories (no Local policy, no zone hints), so per-Service chains can be shared;
    /// with hints each zone's kube-proxy writes its own.
    /// </summary>
    public static bool SameOnEveryNode(ServicePort svc)
    {
        ArgumentNullException.ThrowIfNull(svc);
        return !svc.UsesLocalEndpoints && !HasZoneHints(svc);
    }

    private static bool HasZoneHints(ServicePort svc)
    {
        foreach (ServiceEndpoint e in svc.Endpoints) if (e.ZoneHint is not null) return true;
        return false;
    }

    /// <summary>
    /// topologyModeFromHints for zones: true when every ready endpoint has a zone hint and one names
    /// <paramref name="zone"/> (an unlabelled node, "", matches none, so it ignores hints).
    /// </summary>
    public static bool UseSameZone(IReadOnlyList<ServiceEndpoint> eps, string zone)
    {
        ArgumentNullException.ThrowIfNull(eps);
        bool anyReady = false, forZone = false;
        foreach (ServiceEndpoint e in eps)
        {
            if (!e.IsReady) continue;
            anyReady = true;
            if (e.ZoneHint is null) return false;
            forZone |= e.ZoneHint == zone;
        }
        return anyReady && forZone && zone.Length > 0;
    }

    /// <summary>CategorizeEndpoints; without Local policies or zone hints the result is the same on every node (and cached).</summary>
    private static EndpointCategories Categorize(ServicePort svc, string nodeName, string zone)
    {
        var eps = (ServiceEndpoint[])Sorted(svc);
        ServiceEndpoint[] cluster = None, local = None;
        bool hasAny = false;
        if (svc.UsesClusterEndpoints)
        {
            cluster = UseSameZone(eps, zone)
                ? Filter(eps, static (e, z) => e.IsReady && e.ZoneHint == z, zone)
                : Filter(eps, static (e, _) => e.IsReady, nodeName);
            if (cluster.Length == 0) cluster = Filter(eps, static (e, _) => e.IsServingTerminating, nodeName);
            hasAny = cluster.Length > 0;
        }
        if (!svc.UsesLocalEndpoints) return new EndpointCategories(cluster, local, cluster, hasAny);

        bool localReady = false, localServingTerminating = false;
        foreach (ServiceEndpoint e in eps)
        {
            bool isLocal = e.Node == nodeName;
            if (e.IsReady)
            {
                hasAny = true;
                localReady |= isLocal;
            }
            else if (e.IsServingTerminating)
            {
                hasAny = true;
                localServingTerminating |= isLocal;
            }
        }
        if (localReady) local = Filter(eps, static (e, n) => e.Node == n && e.IsReady, nodeName);
        else if (localServingTerminating) local = Filter(eps, static (e, n) => e.Node == n && e.IsServingTerminating, nodeName);
        if (!svc.UsesClusterEndpoints) return new EndpointCategories(cluster, local, local, hasAny);
        return new EndpointCategories(cluster, local, Union(cluster, local), hasAny);
    }

    private static ServiceEndpoint[] Filter(ServiceEndpoint[] eps, Func<ServiceEndpoint, string, bool> keep, string nodeName)
    {
        int n = 0;
        foreach (ServiceEndpoint e in eps) if (keep(e, nodeName)) n++;
        if (n == 0) return None;
        var result = new ServiceEndpoint[n];
        n = 0;
        foreach (ServiceEndpoint e in eps) if (keep(e, nodeName)) result[n++] = e;
        return result;
    }

    private static ServiceEndpoint[] Union(ServiceEndpoint[] cluster, ServiceEndpoint[] local)
    {
        if (local.Length == 0) return cluster;
        var all = new List<ServiceEndpoint>(cluster);
        foreach (ServiceEndpoint e in local)
            if (Array.IndexOf(cluster, e) < 0) all.Add(e);
        return all.ToArray();
    }
}
