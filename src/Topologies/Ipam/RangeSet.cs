namespace NetSim.Topologies.Ipam;

/// <summary>
/// A list of ranges that act as one pool; host-local hands out one address per range set
/// (reference kubernetes-networking.md §2.1).
/// </summary>
public sealed class RangeSet
{
    public RangeSet(IReadOnlyList<IpRange> ranges)
    {
        if (ranges.Count == 0) throw new IpamException("empty range set");
        bool v6 = ranges[0].Subnet.Network.IsV6;
        for (int i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].Subnet.Network.IsV6 != v6) throw new IpamException("mixed address families");
            for (int j = 0; j < i; j++)
                if (ranges[i].Overlaps(ranges[j]))
                    throw new IpamException($"subnets {ranges[j]} and {ranges[i]} overlap");
        }
        Ranges = ranges;
    }

    public IReadOnlyList<IpRange> Ranges { get; }
    public bool IsV6 => Ranges[0].Subnet.Network.IsV6;

    public bool Contains(IpamAddress a) => RangeIndexOf(a) >= 0;

    public int RangeIndexOf(IpamAddress a)
    {
        for (int i = 0; i < Ranges.Count; i++)
            if (Ranges[i].Contains(a)) return i;
        return -1;
    }

    public IpRange RangeFor(IpamAddress a)
    {
        int i = RangeIndexOf(a);
        return i >= 0 ? Ranges[i] : throw new IpamException($"{a} not in range set {this}");
    }

    public bool Overlaps(RangeSet other)
    {
        foreach (var a in Ranges)
            foreach (var b in other.Ranges)
                if (a.Overlaps(b)) return true;
        return false;
    }

    public override string ToString() => string.Join(",", Ranges.Select(r => r.ToString()));
}
