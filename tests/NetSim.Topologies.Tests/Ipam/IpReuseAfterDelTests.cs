using NetSim.Topologies.Cni;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>
/// When each IPAM hands a released address out again: host-local walks on from its lastReservedIP (the address
/// comes back only when the range wraps), whereabouts takes the lowest free (at once), Calico puts a released
/// ordinal at the back of its block's free list and only the block's node allocates from it.
/// </summary>
public class IpReuseAfterDelTests
{
    private static CniArgs Args(string id) => new("ADD", id, "/var/run/netns/x", "eth0", $"K8S_POD_NAMESPACE=default;K8S_POD_NAME={id}");

    private static (CniRuntime, NetworkConfigList) Node(ICniPlugin ipam, string ipamJson) => (
        new CniRuntime(new CniPluginRegistry().Add(new StaticIpamPluginTests.DelegatingMain()).Add(ipam)),
        NetworkConfigList.Parse($$"""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"main","ipam":{{ipamJson}}}]}"""));

    [Fact]
    public void Host_local_hands_a_released_address_out_again_only_after_the_range_wraps()
    {
        // 10.0.0.0/29: .1 is the gateway, .2-.6 allocatable (5 addresses).
        var (rt, net) = Node(new HostLocalPlugin(), """{"type":"host-local","subnet":"10.0.0.0/29"}""");
        Assert.Equal("10.0.0.2/29", rt.Add(net, Args("a")).Ips[0].Address);
        rt.Add(net, Args("b"));
        rt.Del(net, Args("a") with { Command = "DEL" });
        Assert.Equal("10.0.0.4/29", rt.Add(net, Args("c")).Ips[0].Address);
        Assert.Equal("10.0.0.5/29", rt.Add(net, Args("d")).Ips[0].Address);
        Assert.Equal("10.0.0.6/29", rt.Add(net, Args("e")).Ips[0].Address);
        Assert.Equal("10.0.0.2/29", rt.Add(net, Args("f")).Ips[0].Address); // wrapped: .2 again
    }

    [Fact]
    public void Whereabouts_hands_a_released_address_out_at_once()
    {
        var (rt, net) = Node(new WhereaboutsPlugin(new WhereaboutsStore()), """{"type":"whereabouts","range":"10.0.0.0/29"}""");
        Assert.Equal("10.0.0.1/29", rt.Add(net, Args("a")).Ips[0].Address);
        rt.Add(net, Args("b"));
        rt.Del(net, Args("a") with { Command = "DEL" });
        Assert.Equal("10.0.0.1/29", rt.Add(net, Args("c")).Ips[0].Address);
    }

    [Fact]
    public void Calico_reuses_a_released_address_last_and_only_on_the_node_its_block_is_affine_to()
    {
        var ipam = new CalicoIpam("10.8.0.0/28", blockSize: 30, strictAffinity: true);
        string a = ipam.AutoAssign("node1", "a").ToString();
        ipam.AutoAssign("node1", "b");
        ipam.Release("a");
        string onNode2 = ipam.AutoAssign("node2", "c").ToString();
        Assert.NotEqual(a, onNode2); // node2 claims its own block
        var block1 = ipam.BlocksOf("node1").Single();
        var next = new[] { ipam.AutoAssign("node1", "d"), ipam.AutoAssign("node1", "e"), ipam.AutoAssign("node1", "f") };
        Assert.All(next, ip => Assert.True(block1.Cidr.Contains(ip)));
        Assert.Equal(a, next[2].ToString()); // the released ordinal went to the back of the free list
    }
}
