namespace NetSim.Topologies.Ipam;

/// <summary>One host-local allocator: a range set, its id ("0", "1", ...) and the shared store (allocator.go).</summary>
public sealed class HostLocalAllocator
{
    private readonly RangeSet _set;
    private readonly HostLocalStore _store;
    private readonly string _rangeId;

    public HostLocalAllocator(RangeSet set, HostLocalStore store, int rangeId)
    {
        _set = set;
        _store = store;
        _rangeId = rangeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public RangeSet RangeSet => _set;

    /// <summary>Allocates an address for (id, ifname): the requested one if given, else the next in round-robin order.</summary>
    public IpamAllocation Get(string id, string ifName, IpamAddress? requested = null)
    {
        if (requested is { } want) return GetRequested(id, ifName, want);
        foreach (var held in _store.GetByKey(id, ifName))
            if (_set.Contains(held))
                throw new IpamException($"{held} has been allocated to {id}, duplicate allocation is not allowed");
        var it = new RangeIterator(_set, _store.LastReservedIp(_rangeId));
        while (it.Next() is var (ip, range))
            if (_store.Reserve(id, ifName, ip, _rangeId)) return new IpamAllocation(ip, range.Subnet, range.Gateway);
        throw new IpamException($"no IP addresses available in range set: {_set}");
    }

    private IpamAllocation GetRequested(string id, string ifName, IpamAddress want)
    {
        IpRange range = _set.RangeFor(want);
        if (want == range.Gateway) throw new IpamException($"requested ip {want} is subnet's gateway");
        if (!_store.Reserve(id, ifName, want, _rangeId))
            throw new IpamException($"requested IP address {want} is not available in range set {_set}");
        return new IpamAllocation(want, range.Subnet, range.Gateway);
    }

    public void Release(string id, string ifName) => _store.ReleaseByKey(id, ifName);
}
