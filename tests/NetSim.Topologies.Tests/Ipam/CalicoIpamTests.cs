using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

public class CalicoIpamTests
{
    [Fact]
    public void A_node_claims_a_26_on_demand_and_fills_it_before_claiming_another()
    {
        var ipam = new CalicoIpam("192.168.0.0/16");
        var first = ipam.AutoAssign("node1", "pod0");
        var block = Assert.Single(ipam.BlocksOf("node1"));
        Assert.Equal(26, block.Cidr.PrefixLength);
        Assert.Equal(block.Cidr.Network, first);
        for (int i = 1; i < 64; i++) Assert.True(block.Cidr.Contains(ipam.AutoAssign("node1", $"pod{i}")));
        Assert.Equal(0, block.FreeCount);
        ipam.AutoAssign("node1", "pod64");
        Assert.Equal(2, ipam.BlocksOf("node1").Count());
    }

    [Fact]
    public void Nodes_get_distinct_blocks()
    {
        var ipam = new CalicoIpam();
        ipam.AutoAssign("node1", "a");
        ipam.AutoAssign("node2", "b");
        var b1 = Assert.Single(ipam.BlocksOf("node1")).Cidr;
        var b2 = Assert.Single(ipam.BlocksOf("node2")).Cidr;
        Assert.False(b1.Overlaps(b2));
        Assert.True(ipam.Pool.Contains(b1.Network) && ipam.Pool.Contains(b2.Network));
    }

    [Fact]
    public void Released_addresses_go_to_the_back_of_the_free_list()
    {
        var ipam = new CalicoIpam("10.0.0.0/24", blockSize: 30);
        var a = ipam.AutoAssign("n", "a");
        ipam.AutoAssign("n", "b");
        Assert.Equal(1, ipam.Release("a"));
        var c = ipam.AutoAssign("n", "c");
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Borrowing_and_strict_affinity_and_exhaustion()
    {
        // A /29 pool with /30 blocks: two blocks of four addresses.
        var loose = new CalicoIpam("10.0.0.0/29", blockSize: 30);
        for (int i = 0; i < 4; i++) loose.AutoAssign("n1", $"a{i}");
        for (int i = 0; i < 2; i++) loose.AutoAssign("n2", $"b{i}");
        var borrowed = loose.AutoAssign("n3", "c0"); // no unclaimed block: borrow from n2's
        Assert.True(Assert.Single(loose.BlocksOf("n2")).Cidr.Contains(borrowed));
        loose.AutoAssign("n3", "c1");
        Assert.StartsWith("no IPs available in pool 10.0.0.0/29", Assert.Throws<IpamException>(() => loose.AutoAssign("n3", "c2")).Message, StringComparison.Ordinal);

        var strict = new CalicoIpam("10.0.0.0/29", blockSize: 30, strictAffinity: true);
        strict.AutoAssign("n1", "a");
        strict.AutoAssign("n2", "b");
        Assert.Throws<IpamException>(() => strict.AutoAssign("n3", "c"));
    }

    [Theory]
    [InlineData(19)]
    [InlineData(33)]
    public void Block_size_must_be_20_to_32_for_ipv4(int size) =>
        Assert.Throws<IpamException>(() => new CalicoIpam("192.168.0.0/16", size));
}
