using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>Range canonicalisation vectors from host-local's range_test.go (reference kubernetes-networking.md §2.2).</summary>
public class IpRangeTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.1", "192.0.2.254", "192.0.2.1")]
    [InlineData("192.0.2.0/25", "192.0.2.1", "192.0.2.126", "192.0.2.1")]
    [InlineData("2001:DB8:1::/64", "2001:db8:1::1", "2001:db8:1::ffff:ffff:ffff:ffff", "2001:db8:1::1")]
    public void Defaults_follow_the_code_not_the_docs(string subnet, string start, string end, string gw)
    {
        var r = new IpRange(subnet);
        // Compared as addresses: the test vectors are parsed IPs, and textual IPv6 forms differ in "::" placement.
        Assert.Equal(IpamAddress.Parse(start), r.RangeStart);
        Assert.Equal(IpamAddress.Parse(end), r.RangeEnd);
        Assert.Equal(IpamAddress.Parse(gw), r.Gateway);
    }

    [Theory]
    [InlineData("192.0.2.12/24", "Network has host bits set. For a subnet mask of length 24 the network address is 192.0.2.0")]
    [InlineData("192.168.127.0/23", "Network has host bits set. For a subnet mask of length 23 the network address is 192.168.126.0")]
    [InlineData("2001:DB8:24:19ff::/63", "Network has host bits set. For a subnet mask of length 63 the network address is 2001:db8:24:19fe::")]
    [InlineData("192.0.2.0/31", "Network 192.0.2.0/31 too small to allocate from")]
    public void Bad_subnets_give_host_locals_messages(string subnet, string message) =>
        Assert.Equal(message, Assert.Throws<IpamException>(() => new IpRange(subnet)).Message);

    [Fact]
    public void Explicit_bounds_are_kept_and_contain_is_inclusive()
    {
        var r = new IpRange("192.0.2.0/24", "192.0.2.40", "192.0.2.50", "192.0.2.254");
        Assert.Equal("192.0.2.254", r.Gateway.ToString());
        Assert.False(r.Contains(IpamAddress.Parse("192.0.2.39")));
        Assert.True(r.Contains(IpamAddress.Parse("192.0.2.40")));
        Assert.True(r.Contains(IpamAddress.Parse("192.0.2.50")));
        Assert.False(r.Contains(IpamAddress.Parse("192.0.2.51")));
        Assert.False(r.Contains(IpamAddress.Parse("192.0.3.0")));
    }

    [Theory]
    [InlineData("192.0.3.0", null, "RangeStart 192.0.3.0 not in network 192.0.2.0/24")]
    [InlineData(null, "192.0.4.0", "RangeEnd 192.0.4.0 not in network 192.0.2.0/24")]
    [InlineData("192.0.2.50", "192.0.2.40", "RangeStart 192.0.2.50 not in network 192.0.2.0/24")]
    public void Bad_bounds_are_rejected(string? start, string? end, string message) =>
        Assert.Equal(message, Assert.Throws<IpamException>(() => new IpRange("192.0.2.0/24", start, end)).Message);

    [Theory]
    [InlineData("10.0.0.0/24", null, null, "10.0.1.0/24", null, null, false)]
    [InlineData("10.0.0.0/24", null, null, "10.0.0.0/24", null, null, true)]
    [InlineData("10.0.0.0/20", null, null, "10.0.1.0/24", null, null, true)]
    [InlineData("10.0.0.0/24", null, "10.0.0.127", "10.0.0.0/24", "10.0.0.128", null, false)]
    [InlineData("10.0.0.0/24", null, "10.0.0.127", "10.0.0.0/24", "10.0.0.127", null, true)]
    [InlineData("0.0.0.0/24", null, null, "::/24", null, null, false)]
    public void Overlap_is_commutative(string a, string? aStart, string? aEnd, string b, string? bStart, string? bEnd, bool overlap)
    {
        var ra = new IpRange(a, aStart, aEnd);
        var rb = new IpRange(b, bStart, bEnd);
        Assert.Equal(overlap, ra.Overlaps(rb));
        Assert.Equal(overlap, rb.Overlaps(ra));
    }

    [Fact]
    public void Range_set_names_itself_in_errors()
    {
        var set = new RangeSet([new IpRange("192.168.0.0/24"), new IpRange("172.16.1.0/24")]);
        var e = Assert.Throws<IpamException>(() => set.RangeFor(IpamAddress.Parse("192.168.99.99")));
        Assert.Equal("192.168.99.99 not in range set 192.168.0.1-192.168.0.254,172.16.1.1-172.16.1.254", e.Message);
    }
}
