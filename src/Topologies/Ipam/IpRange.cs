namespace NetSim.Topologies.Ipam;

/// <summary>
/// One host-local range: a subnet with optional rangeStart, rangeEnd and gateway, canonicalised exactly as the
/// plugin's range.go does (reference kubernetes-networking.md §2.2): defaults gateway = network+1,
/// rangeStart = network+1 (the gateway is skipped by the iterator, not by the range), rangeEnd = the last
/// address, minus one for IPv4 (broadcast).
/// </summary>
public sealed class IpRange
{
    public IpRange(string subnet, string? rangeStart = null, string? rangeEnd = null, string? gateway = null)
    {
        if (!IpamSubnet.TryParseRaw(subnet, out var addr, out int prefix))
            throw new IpamException($"invalid CIDR {subnet}");
        var raw = new IpamSubnet(addr, prefix);
        if (raw.HasHostBits)
            throw new IpamException($"Network has host bits set. For a subnet mask of length {prefix} the network address is {raw.Masked.Network}");
        if (prefix > addr.Bits - 2)
            throw new IpamException($"Network {raw} too small to allocate from");
        Subnet = raw;
        Gateway = gateway is null ? addr.Next() : ParseIn(gateway, "Gateway");
        RangeStart = addr.Next();
        RangeEnd = addr.IsV6 ? raw.Last : raw.Last.Previous();
        // RangeEnd is set before RangeStart is checked, as range.go does: start .50 with end .40 fails on start.
        if (rangeEnd is not null) RangeEnd = ParseIn(rangeEnd, "RangeEnd");
        if (rangeStart is not null)
        {
            var start = ParseIn(rangeStart, "RangeStart");
            if (!Contains(start, start, RangeEnd)) throw new IpamException($"RangeStart {start} not in network {Subnet}");
            RangeStart = start;
        }
    }

    public IpamSubnet Subnet { get; }
    public IpamAddress RangeStart { get; }
    public IpamAddress RangeEnd { get; }
    public IpamAddress Gateway { get; }

    /// <summary>True when <paramref name="a"/> is inside the subnet and within [rangeStart, rangeEnd].</summary>
    public bool Contains(IpamAddress a) => Contains(a, RangeStart, RangeEnd);

    private bool Contains(IpamAddress a, IpamAddress start, IpamAddress end) =>
        Subnet.Contains(a) && a >= start && a <= end;

    public bool Overlaps(IpRange other) =>
        Subnet.Network.IsV6 == other.Subnet.Network.IsV6 && RangeStart <= other.RangeEnd && other.RangeStart <= RangeEnd;

    public override string ToString() => $"{RangeStart}-{RangeEnd}";

    private IpamAddress ParseIn(string text, string what)
    {
        if (!IpamAddress.TryParse(text, out var a)) throw new IpamException($"invalid {what} {text}");
        if (!Subnet.Contains(a)) throw new IpamException($"{what} {a} not in network {Subnet}");
        return a;
    }
}
