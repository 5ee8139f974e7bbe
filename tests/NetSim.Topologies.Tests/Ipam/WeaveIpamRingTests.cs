using NetSim.Engine.Addressing;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>Weave's IPAM ring after consensus: contiguous equal shares, the range's network and broadcast never handed out.</summary>
public class WeaveIpamRingTests
{
    [Fact]
    public void Two_peers_split_the_default_range_in_halves()
    {
        var ring = new WeaveIpamRing(Ipv4Prefix.Parse(WeaveIpamRing.DefaultRange), 2);
        Assert.Equal((Ipv4Address.Parse("10.32.0.1"), Ipv4Address.Parse("10.39.255.255")), ring.ShareOf(0));
        Assert.Equal((Ipv4Address.Parse("10.40.0.0"), Ipv4Address.Parse("10.47.255.254")), ring.ShareOf(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Shares_tile_the_range_without_gaps_or_overlap(int peers)
    {
        var range = Ipv4Prefix.Parse("10.32.0.0/12");
        var ring = new WeaveIpamRing(range, peers);
        ulong total = 0;
        uint expectedFirst = range.Network.Value + 1;
        for (int i = 0; i < peers; i++)
        {
            var (first, last) = ring.ShareOf(i);
            Assert.Equal(expectedFirst, first.Value);
            total += (ulong)(last.Value - first.Value) + 1;
            expectedFirst = last.Value + 1;
        }
        Assert.Equal(range.Size - 2, total);
    }
}
