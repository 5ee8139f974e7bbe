namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The zone hints the EndpointSlice controller writes on a Service's endpoints, which kube-proxy then honours
/// (<see cref="EndpointCategories.UseSameZone"/>). Two sources, the annotation first as the controller's reconciler
/// checks it first:
/// <list type="bullet">
/// <item>service.kubernetes.io/topology-mode: Auto (KEP-2433, topologycache): hints proportional to each zone's
/// allocatable CPU, refused (no hints at all) with fewer than two zones, a node without zone or CPU, fewer ready
/// endpoints than zones, or when a zone's minimum (desired / (1 + 0.2 overload threshold), rounded up) cannot be met.</item>
/// <item>spec.trafficDistribution: PreferClose (KEP-4444, trafficdist): every endpoint with a zone is hinted for
/// its own zone, no proportion.</item>
/// </list>
/// Go walks zones in map order (random); here zones go in ordinal order so a run is reproducible.
/// </summary>
public static class TopologyHints
{
    public const string Auto = "Auto";
    public const string PreferClose = "PreferClose";
    /// <summary>OverloadThreshold in topologycache: a zone may be under its CPU share by at most 20 %.</summary>
    public const double OverloadThreshold = 0.2;

    /// <summary>One zone's share of endpoints: getAllocations' minimum, desired and maximum.</summary>
    public readonly record struct Allocation(string Zone, int Minimum, double Desired, int Maximum);

    /// <summary>
    /// The endpoints as the controller leaves them: hinted, or all unhinted when the mode is off or Auto refuses.
    /// <paramref name="zoneOf"/> gives a node's zone ("" none); <paramref name="cpuByZone"/> is the allocatable CPU per
    /// zone of the ready, non-control-plane nodes, null when some such node lacks a zone (insufficient node info).
    /// </summary>
    public static IReadOnlyList<ServiceEndpoint> Apply(IReadOnlyList<ServiceEndpoint> endpoints, string topologyMode, string trafficDistribution,
        Func<string, string> zoneOf, IReadOnlyList<(string Zone, long MilliCpu)>? cpuByZone)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(zoneOf);
        if (topologyMode == Auto) return AutoHints(endpoints, zoneOf, cpuByZone) ?? Unhinted(endpoints);
        if (trafficDistribution == PreferClose) return [.. endpoints.Select(e => e with { ZoneHint = zoneOf(e.Node) is { Length: > 0 } z ? z : null })];
        return Unhinted(endpoints);
    }

    private static ServiceEndpoint[] Unhinted(IReadOnlyList<ServiceEndpoint> endpoints) => [.. endpoints.Select(e => e with { ZoneHint = null })];

    /// <summary>getAllocations: null when hints are refused (fewer than two zones, fewer endpoints than zones, minimums too large).</summary>
    public static List<Allocation>? Allocations(int readyEndpoints, IReadOnlyList<(string Zone, long MilliCpu)>? cpuByZone)
    {
        if (cpuByZone is null || cpuByZone.Count < 2 || cpuByZone.Count > readyEndpoints) return null;
        long total = cpuByZone.Sum(z => z.MilliCpu);
        if (total <= 0) return null;
        var zones = cpuByZone.OrderBy(z => z.Zone, StringComparer.Ordinal).ToList();
        var result = new List<(string Zone, int Minimum, double Desired)>(zones.Count);
        int remaining = readyEndpoints, minTotal = 0;
        foreach (var (zone, cpu) in zones)
        {
            double desired = (double)cpu / total * readyEndpoints;
            int minimum = (int)Math.Ceiling(desired * (1 / (1 + OverloadThreshold)));
            result.Add((zone, minimum, Math.Max(desired, minimum)));
            minTotal += minimum;
            remaining -= minimum;
            if (remaining < 0) return null;
        }
        return [.. result.Select(a => new Allocation(a.Zone, a.Minimum, a.Desired, a.Minimum + readyEndpoints - minTotal))];
    }

    /// <summary>AddHints: same-zone hints first, then whole endpoints moved from zones above their desired share to zones below.</summary>
    private static ServiceEndpoint[]? AutoHints(IReadOnlyList<ServiceEndpoint> endpoints, Func<string, string> zoneOf, IReadOnlyList<(string Zone, long MilliCpu)>? cpuByZone)
    {
        var allocations = Allocations(endpoints.Count(e => e.IsReady), cpuByZone);
        if (allocations is null) return null;
        var hinted = new ServiceEndpoint[endpoints.Count];
        var byZone = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < hinted.Length; i++)
        {
            var e = endpoints[i];
            if (!e.IsReady)
            {
                hinted[i] = e with { ZoneHint = null };
                continue;
            }
            string zone = zoneOf(e.Node);
            if (zone.Length == 0) return null; // NoZoneSpecified
            byZone[zone] = byZone.GetValueOrDefault(zone) + 1;
            hinted[i] = e with { ZoneHint = zone };
        }
        var (giving, receiving) = GivingAndReceiving(allocations, byZone);
        Redistribute(hinted, zoneOf, giving, receiving);
        return hinted;
    }

    /// <summary>getGivingAndReceivingZones: whole endpoints to move, while both sides still differ by at least half an endpoint.</summary>
    private static (SortedDictionary<string, int> Giving, SortedDictionary<string, int> Receiving) GivingAndReceiving(
        List<Allocation> allocations, SortedDictionary<string, int> byZone)
    {
        var give = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var take = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in allocations)
        {
            double have = byZone.GetValueOrDefault(a.Zone);
            if (have > a.Desired) give[a.Zone] = have - a.Desired;
            else if (have < a.Desired) take[a.Zone] = a.Desired - have;
        }
        var giving = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var receiving = new SortedDictionary<string, int>(StringComparer.Ordinal);
        while (true)
        {
            var (g, nGive) = Most(give);
            var (r, nTake) = Most(take);
            if (g.Length == 0 || r.Length == 0 || (nGive < 1.0 && nTake < 1.0) || nGive < 0.5 || nTake < 0.5) break;
            giving[g] = giving.GetValueOrDefault(g) + 1;
            give[g]--;
            receiving[r] = receiving.GetValueOrDefault(r) + 1;
            take[r]--;
        }
        return (giving, receiving);
    }

    private static (string Zone, double N) Most(SortedDictionary<string, double> zones)
    {
        (string Zone, double N) most = ("", 0);
        foreach (var (z, n) in zones) if (n > most.N) most = (z, n);
        return most;
    }

    /// <summary>redistributeHints: endpoints of a giving zone, in order, re-hinted for the first zone still receiving.</summary>
    private static void Redistribute(ServiceEndpoint[] hinted, Func<string, string> zoneOf, SortedDictionary<string, int> giving, SortedDictionary<string, int> receiving)
    {
        for (int i = 0; i < hinted.Length && giving.Count > 0 && receiving.Count > 0; i++)
        {
            if (hinted[i].ZoneHint is null) continue;
            string from = zoneOf(hinted[i].Node);
            if (!giving.TryGetValue(from, out int n)) continue;
            string to = receiving.First().Key;
            hinted[i] = hinted[i] with { ZoneHint = to };
            if (n == 1) giving.Remove(from); else giving[from] = n - 1;
            if (receiving[to] == 1) receiving.Remove(to); else receiving[to]--;
        }
    }
}
