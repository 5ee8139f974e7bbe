using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// A routing table (one of the kernel's FIB tables: "local" or "main") with longest-prefix match. Routes are kept
/// per prefix length in hash maps, and a lookup probes the lengths present from longest to shortest, so it costs
/// at most 33 probes and allocates nothing. Among routes to the same prefix the lowest metric whose device is up wins.
/// A prefix with one route (nearly all: a pod's /32, a peer node's pod CIDR, an address's local route) holds the route
/// itself, one with several a list in metric order, so a table of N routes is N map entries, not N lists.
/// </summary>
public sealed class RoutingTable
{
    // Per prefix length, network → its routes: one Route, or a List<Route> in metric order when there are several.
    private readonly Dictionary<uint, object>?[] _byLength = new Dictionary<uint, object>?[33];
    private int[] _lengths = [];

    public RoutingTable(string name) => Name = name;

    /// <summary>"local" or "main", as <c>ip route show table</c> names them.</summary>
    public string Name { get; }
    public int Count { get; private set; }

    /// <summary>ip route add: fails if a route to the same prefix with the same metric exists.</summary>
    public void Add(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (Route r in RoutesTo(route.Prefix))
            if (r.Metric == route.Metric)
                throw new InvalidOperationException($"table {Name}: route {route} exists already as {r} (RTNETLINK: File exists)");
        Insert(route);
    }

    /// <summary>ip route append: adds a route even when one to the same prefix and metric exists (the kernel does this for connected routes of several devices).</summary>
    public void Append(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Insert(route);
    }

    /// <summary>ip route replace: replaces a route to the same prefix and metric, or adds it.</summary>
    public void Replace(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Dictionary<uint, object>? map = _byLength[route.Prefix.Length];
        if (map is not null && map.TryGetValue(route.Prefix.Network.Value, out object? slot))
        {
            if (slot is Route one)
            {
                if (one.Metric == route.Metric)
                {
                    map[route.Prefix.Network.Value] = route;
                    return;
                }
            }
            else
            {
                var list = (List<Route>)slot;
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i].Metric != route.Metric) continue;
                    list[i] = route;
                    return;
                }
            }
        }
        Insert(route);
    }

    public bool Remove(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Dictionary<uint, object>? map = _byLength[route.Prefix.Length];
        uint key = route.Prefix.Network.Value;
        if (map is null || !map.TryGetValue(key, out object? slot)) return false;
        if (slot is Route one)
        {
            if (one != route) return false;
            RemovePrefix(route.Prefix);
        }
        else
        {
            var list = (List<Route>)slot;
            if (!list.Remove(route)) return false;
            if (list.Count == 1) map[key] = list[0];
        }
        Count--;
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
            if (!_byLength[len]!.TryGetValue(destination.Value & Ipv4Prefix.MaskOf(len), out object? slot)) continue;
            if (slot is Route one)
            {
                if (one.IsUsable) return one;
                continue;
            }
            List<Route> list = Unsafe.As<List<Route>>(slot);
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
                    foreach (object slot in map.Values)
                        if (slot is Route one) all.Add(one);
                        else all.AddRange((List<Route>)slot);
            all.Sort(static (a, b) => a.Prefix != b.Prefix ? a.Prefix.CompareTo(b.Prefix) : a.Metric.CompareTo(b.Metric));
            return all;
        }
    }

    /// <summary>Adds <paramref name="route"/> after the routes to its prefix with a metric no higher.</summary>
    private void Insert(Route route)
    {
        Dictionary<uint, object>? map = _byLength[route.Prefix.Length];
        if (map is null)
        {
            map = _byLength[route.Prefix.Length] = new Dictionary<uint, object>();
            RebuildLengths();
        }
        ref object? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map, route.Prefix.Network.Value, out bool exists);
        Count++;
        if (!exists)
        {
            slot = route;
            return;
        }
        List<Route> list = slot as List<Route> ?? new List<Route>(2) { (Route)slot! };
        int at = list.Count;
        while (at > 0 && list[at - 1].Metric > route.Metric) at--;
        list.Insert(at, route);
        slot = list;
    }

    /// <summary>The routes to exactly <paramref name="prefix"/> (none: empty), in metric order.</summary>
    internal IReadOnlyList<Route> RoutesTo(Ipv4Prefix prefix)
    {
        Dictionary<uint, object>? map = _byLength[prefix.Length];
        if (map is null || !map.TryGetValue(prefix.Network.Value, out object? slot)) return [];
        return slot as List<Route> ?? (IReadOnlyList<Route>)[(Route)slot];
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
