using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// The ARP table of a namespace: (device, IPv4 address) → MAC. A lookup that misses resolves on the link at once
/// (the request/reply exchange is not simulated: the device asks whoever is on its link, see
/// <see cref="NetDevice.ResolveOnLink"/>) and caches the answer; no answer means the packet is dropped with
/// NoNeighbour. Entries do not age (reachable-time and gc are not modelled).
/// </summary>
public sealed class NeighbourTable
{
    private readonly Dictionary<Key, Entry> _entries = new();

    public int Count => _entries.Count;
    /// <summary>Lookups that had to resolve on the link (ARP requests the kernel would have sent).</summary>
    public long Resolutions { get; private set; }
    public long Failures { get; private set; }

    /// <summary>ip neigh replace ADDR lladdr MAC dev DEV nud permanent.</summary>
    public void Add(NetDevice device, Ipv4Address address, MacAddress mac) =>
        _entries[new Key(device.IfIndex, address.Value)] = new Entry(mac, NeighbourState.Permanent);

    public bool Remove(NetDevice device, Ipv4Address address) => _entries.Remove(new Key(device.IfIndex, address.Value));

    /// <summary>Forgets every entry of a device (the kernel flushes them when the device leaves the namespace).</summary>
    public void Flush(NetDevice device)
    {
        var doomed = new List<Key>();
        foreach (var k in _entries.Keys)
            if (k.IfIndex == device.IfIndex) doomed.Add(k);
        foreach (var k in doomed) _entries.Remove(k);
    }

    /// <summary>The entry for <paramref name="address"/> on <paramref name="device"/>, if present (no resolution).</summary>
    public bool TryGet(NetDevice device, Ipv4Address address, out MacAddress mac, out NeighbourState state)
    {
        if (_entries.TryGetValue(new Key(device.IfIndex, address.Value), out Entry e))
        {
            mac = e.Mac;
            state = e.State;
            return true;
        }
        mac = default;
        state = default;
        return false;
    }

    /// <summary>neigh_output: the MAC to send to; resolves on the link and caches when missing. False: unresolved.</summary>
    public bool TryResolve(NetDevice device, Ipv4Address address, out MacAddress mac)
    {
        var key = new Key(device.IfIndex, address.Value);
        if (_entries.TryGetValue(key, out Entry e))
        {
            mac = e.Mac;
            return true;
        }
        Resolutions++;
        if (!device.ResolveOnLink(address, out mac))
        {
            Failures++;
            return false;
        }
        _entries[key] = new Entry(mac, NeighbourState.Reachable);
        return true;
    }

    private readonly record struct Key(int IfIndex, uint Address);

    private readonly record struct Entry(MacAddress Mac, NeighbourState State);
}
