using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>Iterator and allocation vectors from host-local's allocator_test.go (reference §2.3).</summary>
public class HostLocalAllocatorTests
{
    private static RangeSet Set(params string[] subnets) => new(subnets.Select(s => new IpRange(s)).ToList());

    [Theory]
    [InlineData(null, false, ".2,.3,.4,.5,.6")]
    [InlineData(".6", true, ".2,.3,.4,.5,.6")]
    [InlineData(".3", true, ".4,.5,.6,.2,.3")]
    public void Iterator_walks_round_robin_and_tries_the_last_reserved_last(string? last, bool _, string expected)
    {
        var set = Set("192.168.1.0/29");
        IpamAddress? lastIp = last is null ? null : IpamAddress.Parse("192.168.1" + last);
        var it = new RangeIterator(set, lastIp);
        var seen = new List<string>();
        while (it.Next() is var (ip, _)) seen.Add(ip.ToString()[9..]);
        Assert.Equal(expected, string.Join(",", seen));
    }

    [Theory]
    [InlineData(new[] { "10.0.0.0/29" }, new string[0], null, "10.0.0.2")]
    [InlineData(new[] { "2001:db8:1::/64" }, new string[0], null, "2001:db8:1::2")]
    [InlineData(new[] { "10.0.0.0/30" }, new string[0], null, "10.0.0.2")]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.2" }, null, "10.0.0.3")]
    [InlineData(new[] { "10.0.0.0/29" }, new string[0], "10.0.0.5", "10.0.0.6")]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.4", "10.0.0.5" }, "10.0.0.3", "10.0.0.6")]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.6" }, "10.0.0.5", "10.0.0.2")]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.2" }, "10.0.0.128", "10.0.0.3")]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6" }, "10.0.0.3", "10.0.0.3")]
    [InlineData(new[] { "10.0.0.0/30", "10.0.1.0/30" }, new string[0], null, "10.0.0.2")]
    [InlineData(new[] { "10.0.0.0/30", "10.0.1.0/30" }, new string[0], "10.0.0.2", "10.0.1.2")]
    [InlineData(new[] { "10.0.0.0/30", "10.0.1.0/30", "10.0.2.0/30" }, new string[0], "10.0.2.2", "10.0.0.2")]
    public void Allocates_in_round_robin(string[] subnets, string[] reserved, string? lastIp, string expected)
    {
        var store = new HostLocalStore();
        foreach (string r in reserved) Assert.True(store.Reserve("other", "eth0", IpamAddress.Parse(r), "x"));
        if (lastIp is not null) store.SetLastReserved("0", IpamAddress.Parse(lastIp));
        var alloc = new HostLocalAllocator(Set(subnets), store, 0);
        Assert.Equal(expected, alloc.Get("id", "eth0").Address.ToString());
    }

    [Theory]
    [InlineData(new[] { "10.0.0.0/30" }, new[] { "10.0.0.2" })]
    [InlineData(new[] { "10.0.0.0/29" }, new[] { "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6" })]
    [InlineData(new[] { "10.0.0.0/30", "10.0.1.0/30" }, new[] { "10.0.0.2", "10.0.1.2" })]
    public void Exhaustion_says_no_addresses_available(string[] subnets, string[] reserved)
    {
        var store = new HostLocalStore();
        foreach (string r in reserved) store.Reserve("other", "eth0", IpamAddress.Parse(r), "x");
        var e = Assert.Throws<IpamException>(() => new HostLocalAllocator(Set(subnets), store, 0).Get("id", "eth0"));
        Assert.StartsWith("no IP addresses available in range set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slash_29_gives_dot_2_to_dot_6_then_fails_and_never_the_broadcast()
    {
        var alloc = new HostLocalAllocator(Set("192.168.1.0/29"), new HostLocalStore(), 0);
        for (int i = 2; i <= 6; i++) Assert.Equal($"192.168.1.{i}/29", alloc.Get($"id{i}", "eth0").Cidr);
        Assert.Throws<IpamException>(() => alloc.Get("id7", "eth0"));
    }

    [Fact]
    public void Release_then_get_moves_on_rather_than_reusing()
    {
        var alloc = new HostLocalAllocator(Set("192.168.1.0/29"), new HostLocalStore(), 0);
        Assert.Equal("192.168.1.2", alloc.Get("id", "eth0").Address.ToString());
        alloc.Release("id", "eth0");
        Assert.Equal("192.168.1.3", alloc.Get("id", "eth0").Address.ToString());
    }

    [Fact]
    public void Requested_addresses_are_checked()
    {
        var store = new HostLocalStore();
        var alloc = new HostLocalAllocator(Set("192.168.1.0/29"), store, 0);
        Assert.Equal("192.168.1.5", alloc.Get("a", "eth0", IpamAddress.Parse("192.168.1.5")).Address.ToString());
        Assert.Equal("requested IP address 192.168.1.5 is not available in range set 192.168.1.1-192.168.1.6",
            Assert.Throws<IpamException>(() => alloc.Get("b", "eth0", IpamAddress.Parse("192.168.1.5"))).Message);
        Assert.Equal("requested ip 192.168.1.1 is subnet's gateway",
            Assert.Throws<IpamException>(() => alloc.Get("c", "eth0", IpamAddress.Parse("192.168.1.1"))).Message);
        // A requested reservation moves last_reserved too, so the next automatic pick follows it.
        Assert.Equal("192.168.1.6", alloc.Get("d", "eth0").Address.ToString());
    }

    [Fact]
    public void Bounds_limit_requests()
    {
        var set = new RangeSet([new IpRange("192.168.1.0/29", rangeEnd: "192.168.1.4")]);
        Assert.Throws<IpamException>(() => new HostLocalAllocator(set, new HostLocalStore(), 0).Get("a", "eth0", IpamAddress.Parse("192.168.1.5")));
        var set2 = new RangeSet([new IpRange("192.168.1.0/29", rangeStart: "192.168.1.3")]);
        Assert.Throws<IpamException>(() => new HostLocalAllocator(set2, new HostLocalStore(), 0).Get("a", "eth0", IpamAddress.Parse("192.168.1.2")));
    }

    [Fact]
    public void A_gateway_other_than_dot_1_makes_dot_1_allocatable_first()
    {
        var set = new RangeSet([new IpRange("10.0.0.0/24", gateway: "10.0.0.254")]);
        Assert.Equal("10.0.0.1", new HostLocalAllocator(set, new HostLocalStore(), 0).Get("a", "eth0").Address.ToString());
    }

    [Fact]
    public void Duplicate_allocation_for_one_attachment_is_refused()
    {
        var alloc = new HostLocalAllocator(Set("10.0.0.0/29"), new HostLocalStore(), 0);
        alloc.Get("id", "eth0");
        Assert.Equal("10.0.0.2 has been allocated to id, duplicate allocation is not allowed",
            Assert.Throws<IpamException>(() => alloc.Get("id", "eth0")).Message);
    }
}
