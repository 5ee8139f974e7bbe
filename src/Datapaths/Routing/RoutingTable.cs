using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// A routing table (one of the kernel's FIB tables: "local" or "main") with longest-prefix match. Routes are kept
/// per prefix length in hash maps, and a lookup probes the lengths present from longest to shortest, so it costs
/// at most 33 probes and allocates nothing. Among routes to the same prefix the lowest metric whose device is up wins.
/// </summary>
public sealed class RoutingTable
{
    private readonly Dictionary<uint, List<Route>>?[] _byLength = new Dictionary<uint, List<Route>>?[33];
    private int[] _lengths = [];

    public RoutingTable(string name) => Name = name;

    /// <summary>"local" or "main", as <c>ip route show table</c> names them.</summary>
    public string Name { get; }
    public int Count { get; private set; }

    /// <summary>ip route add: fails if a route to the same prefix with the same metric exists.</summary>
    public void Add(Route route)
    {
        List<Route> list = ListFor(route.Prefix, create: true)!;
        foreach (Route r in list)
            if (r.Metric == route.Metric)
                throw new InvalidOperationException($"table {Name}: route {route} exists already as {r} (RTNETLINK: File exists)");
        Insert(list, route);
    }

    /// <summary>ip route append: adds a route even when one to the same prefix and metric exists (the kernel does this for connected routes of several devices).</summary>
    public void Append(Route route) => Insert(ListFor(route.Prefix, create: true)!, route);

    /// <summary>ip route replace: replaces a route to the same prefix and metric, or adds it.</summary>
    public void Replace(Route route)
    {
        List<Route> list = ListFor(route.Prefix, create: true)!;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Metric != route.Metric) continue;
            list[i] = route;
            return;
        }
        Insert(list, route);
    }

    public bool Remove(Route route)
    {
        List<Route>? list = ListFor(route.Prefix, create: false);
        if (list is null || !list.Remove(route)) return false;
        Count--;
        if (list.Count == 0) RemovePrefix(route.Prefix);
        return true;
    }

    /// <summary>Removes every route through <paramref name="device"/> (the kernel flushes them when a device goes away).</summary>
    public int RemoveDevice(NetDevice device)
    {
        var doomed = new List<Route>();
        foreach (Route r in Routes)
            if (r.Device == device) doomed.Add(r);
        foreach (Route r in doomed) Remove(r);
        return doomed.Count;
    }

    /// <summary>Longest-prefix match; null when no usable route covers <paramref name="destination"/>.</summary>
    public Route? Lookup(Ipv4Address destination)
    {
        int[] lengths = _lengths;
        for (int i = 0; i < lengths.Length; i++)
        {
            int len = lengths[i];
            if (!_byLength[len]!.TryGetValue(destination.Value & Ipv4Prefix.MaskOf(len), out List<Route>? list)) continue;
            for (int j = 0; j < list.Count; j++)
                if (list[j].IsUsable) return list[j];
        }
        return null;
    }

    /// <summary>Every route, ordered by prefix then metric (for display and tests; not for the hot path).</summary>
    public IEnumerable<Route> Routes
    {
        get
        {
            var all = new List<Route>(Count);
            foreach (var map in _byLength)
                if (map is not null)
                    foreach (var list in map.Values) all.AddRange(list);
            all.Sort(static (a, b) => a.Prefix != b.Prefix ? a.Prefix.CompareTo(b.Prefix) : a.Metric.CompareTo(b.Metric));
            return all;
        }
    }

    private void Insert(List<Route> list, Route route)
    {
        int at = list.Count;
        while (at > 0 && list[at - 1].Metric > route.Metric) at--;
        list.Insert(at, route);
        Count++;
    }

    /// <summary>The routes to exactly <paramref name="prefix"/> (none: empty), in metric order.</summary>
    internal IReadOnlyList<Route> RoutesTo(Ipv4Prefix prefix) => ListFor(prefix, create: false) ?? (IReadOnlyList<Route>)[];

    private List<Route>? ListFor(Ipv4Prefix prefix, bool create)
    {
        var map = _byLength[prefix.Length];
        if (map is null)
        {
            if (!create) return null;
            map = _byLength[prefix.Length] = new Dictionary<uint, List<Route>>();
            RebuildLengths();
        }
        if (map.TryGetValue(prefix.Network.Value, out var list)) return list;
        if (!create) return null;
        list = new List<Route>(1);
        map[prefix.Network.Value] = list;
        return list;
    }

    private void RemovePrefix(Ipv4Prefix prefix)
    {
        var map = _byLength[prefix.Length]!;
        map.Remove(prefix.Network.Value);
        if (map.Count > 0) return;
        _byLength[prefix.Length] = null;
        RebuildLengths();
    }

    private void RebuildLengths()
    {
        var lengths = new List<int>();
        for (int len = 32; len >= 0; len--)
            if (_byLength[len] is not null) lengths.Add(len);
        _lengths = lengths.ToArray();
    }
}
