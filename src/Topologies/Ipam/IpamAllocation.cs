namespace NetSim.Topologies.Ipam;

/// <summary>An allocated address with its subnet (for the prefix length) and gateway.</summary>
public readonly record struct IpamAllocation(IpamAddress Address, IpamSubnet Subnet, IpamAddress Gateway)
{
    /// <summary>CNI result form, e.g. "10.1.2.2/24".</summary>
    public string Cidr => $"{Address}/{Subnet.PrefixLength}";
}
