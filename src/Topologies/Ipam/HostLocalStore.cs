namespace NetSim.Topologies.Ipam;

/// <summary>
/// host-local's on-disk store, kept in memory: one reservation per IP holding "containerID + ifname"
/// (the file named after the IP) and last_reserved_ip.&lt;rangeID&gt; per range set (reference §2.5).
/// </summary>
public sealed class HostLocalStore
{
    private readonly SortedDictionary<IpamAddress, (string Id, string IfName)> _reserved = new();
    private readonly Dictionary<string, IpamAddress> _lastReserved = new(StringComparer.Ordinal);

    public int Count => _reserved.Count;

    /// <summary>Reserves <paramref name="ip"/>; false when it is already taken (O_EXCL create fails).</summary>
    public bool Reserve(string id, string ifName, IpamAddress ip, string rangeId)
    {
        if (!_reserved.TryAdd(ip, (id, ifName))) return false;
        _lastReserved[rangeId] = ip;
        return true;
    }

    public bool IsReserved(IpamAddress ip) => _reserved.ContainsKey(ip);

    public IpamAddress? LastReservedIp(string rangeId) => _lastReserved.TryGetValue(rangeId, out var ip) ? ip : null;

    /// <summary>The IPs held by (id, ifname), in address order.</summary>
    public IReadOnlyList<IpamAddress> GetByKey(string id, string ifName) =>
        _reserved.Where(kv => kv.Value.Id == id && kv.Value.IfName == ifName).Select(kv => kv.Key).ToList();

    /// <summary>Releases every IP held by (id, ifname); releasing nothing is not an error (DEL is idempotent).</summary>
    public void ReleaseByKey(string id, string ifName)
    {
        foreach (var ip in GetByKey(id, ifName)) _reserved.Remove(ip);
    }

    public void Release(IpamAddress ip) => _reserved.Remove(ip);

    /// <summary>Test/setup hook: marks an address as the last reserved of a range set without holding it.</summary>
    public void SetLastReserved(string rangeId, IpamAddress ip) => _lastReserved[rangeId] = ip;
}
