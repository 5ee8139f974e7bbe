using NetSim.Topologies.Cni;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>whereabouts: one cluster-wide range, lowest free address, excludes, a lease per pod, release on DEL, the reconciler.</summary>
public class WhereaboutsPluginTests
{
    /// <summary>The ipam section of the whereabouts README's example (range 192.168.2.225/28, two excludes).</summary>
    private const string ReadmeIpam = """
        {
          "type": "whereabouts",
          "range": "192.168.2.225/28",
          "exclude": [
             "192.168.2.229/30",
             "192.168.2.236/32"
          ]
        }
        """;

    private static NetworkConfigList Net(string ipam) => NetworkConfigList.Parse(
        $$"""{"cniVersion":"0.3.0","name":"whereaboutsexample","plugins":[{"type":"main","ipam":{{ipam}}}]}""");

    /// <summary>Two nodes' runtimes sharing one store, as every node reads the same IPPool resources.</summary>
    private static (CniRuntime Node1, CniRuntime Node2, WhereaboutsStore Store) Cluster()
    {
        var store = new WhereaboutsStore();
        CniRuntime Node() => new(new CniPluginRegistry().Add(new StaticIpamPluginTests.DelegatingMain()).Add(new WhereaboutsPlugin(store)));
        return (Node(), Node(), store);
    }

    private static CniArgs Pod(string name, string container) =>
        new("ADD", container, "/var/run/netns/x", "net1", $"IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME={name}");

    [Fact]
    public void Lowest_free_address_across_nodes_skipping_the_excluded_ranges()
    {
        var (n1, n2, store) = Cluster();
        var net = Net(ReadmeIpam);
        var got = new List<string>();
        for (int i = 0; i < 6; i++)
            got.Add(((i % 2 == 0) ? n1 : n2).Add(net, Pod($"p{i}", $"c{i}")).Ips[0].Address);
        // Go's ParseCIDR masks 192.168.2.229/30 to .228/30, so .228-.231 are skipped (the README counts three), and .236.
        Assert.Equal(["192.168.2.225/28", "192.168.2.226/28", "192.168.2.227/28", "192.168.2.232/28", "192.168.2.233/28", "192.168.2.234/28"], got);
        Assert.Equal(6, store.Pool(IpamSubnet.Parse("192.168.2.224/28")).Count);
        Assert.Equal("192.168.2.235/28", n1.Add(net, Pod("p6", "c6")).Ips[0].Address);
        Assert.Equal("192.168.2.237/28", n1.Add(net, Pod("p7", "c7")).Ips[0].Address);
        Assert.Equal("192.168.2.238/28", n2.Add(net, Pod("p8", "c8")).Ips[0].Address);
        var e = Assert.Throws<CniException>(() => n2.Add(net, Pod("p9", "c9")));
        Assert.Equal(CniException.Internal, e.Code);
        Assert.Equal("error at storage engine: Could not allocate IP in range: ip: 192.168.2.225 / - 192.168.2.238 / range: 192.168.2.224/28 / excludeRanges: [192.168.2.229/30 192.168.2.236/32]", e.Msg);
    }

    [Fact]
    public void Del_frees_the_address_and_the_next_add_anywhere_takes_it_at_once()
    {
        var (n1, n2, store) = Cluster();
        var net = Net("""{"type":"whereabouts","range":"10.20.0.0/24","gateway":"10.20.0.1","range_start":"10.20.0.10"}""");
        var first = n1.Add(net, Pod("a", "ca"));
        Assert.Equal(new CniIp("10.20.0.10/24", "10.20.0.1"), first.Ips[0]);
        n1.Add(net, Pod("b", "cb"));
        n1.Del(net, Pod("a", "ca") with { Command = "DEL" });
        Assert.Equal("10.20.0.10/24", n2.Add(net, Pod("c", "cc")).Ips[0].Address);
        Assert.Equal(2, store.All.Count());
    }

    [Fact]
    public void A_pod_keeps_its_lease_when_its_sandbox_is_recreated()
    {
        var (n1, _, store) = Cluster();
        var net = Net("""{"type":"whereabouts","range":"10.20.0.0/24"}""");
        string ip = n1.Add(net, Pod("web-0", "sandbox1")).Ips[0].Address;
        var again = new CniRuntime(new CniPluginRegistry().Add(new StaticIpamPluginTests.DelegatingMain()).Add(new WhereaboutsPlugin(store)));
        Assert.Equal(ip, again.Add(net, Pod("web-0", "sandbox2")).Ips[0].Address);
        Assert.Equal("sandbox2", Assert.Single(store.All).ContainerId);
    }

    [Fact]
    public void The_range_first_last_form_and_range_end_narrow_the_pool()
    {
        var (n1, _, _) = Cluster();
        Assert.Equal("10.30.0.50/24", n1.Add(Net("""{"type":"whereabouts","range":"10.30.0.50-10.30.0.51/24"}"""), Pod("a", "a")).Ips[0].Address);
        var net = Net("""{"type":"whereabouts","range":"10.40.0.0/29","range_end":"10.40.0.2"}""");
        n1.Add(net, Pod("x", "x"));
        n1.Add(net, Pod("y", "y"));
        Assert.StartsWith("error at storage engine: Could not allocate IP in range: ip: 10.40.0.1 / - 10.40.0.2", Assert.Throws<CniException>(() => n1.Add(net, Pod("z", "z"))).Msg);
    }

    [Fact]
    public void Reconciler_frees_addresses_of_pods_that_no_longer_exist()
    {
        var (n1, n2, store) = Cluster();
        var net = Net("""{"type":"whereabouts","range":"10.20.0.0/24"}""");
        n1.Add(net, Pod("alive", "c1"));
        n2.Add(net, Pod("killed", "c2")); // its node died: no DEL ever runs
        var freed = store.Reconcile(podRef => podRef == "default/alive");
        Assert.Equal("default/killed", Assert.Single(freed).PodRef);
        Assert.Equal("10.20.0.2/24", n1.Add(net, Pod("next", "c3")).Ips[0].Address);
        Assert.Equal("30 4 * * *", WhereaboutsStore.DefaultReconcilerSchedule);
    }

    [Theory]
    [InlineData("""{"type":"whereabouts","range":"10.0.0.0"}""", "invalid CIDR 10.0.0.0: invalid CIDR address: 10.0.0.0")]
    [InlineData("""{"type":"whereabouts","range":"10.1.0.5-10.0.0.0/24"}""", "invalid range start for CIDR 10.0.0.0/24: 10.1.0.5")]
    [InlineData("""{"type":"whereabouts","range":"10.0.0.0/24","gateway":"x"}""", "couldn't parse gateway IP: x")]
    [InlineData("""{"type":"whereabouts","range":"10.0.0.0/24","exclude":["ten"]}""", "error at storage engine: could not parse exclude range, err: \"invalid CIDR address: ten\"")]
    public void Errors_are_the_plugins_own_with_code_999(string ipam, string message)
    {
        var e = Assert.Throws<CniException>(() => Cluster().Node1.Add(Net(ipam), Pod("a", "a")));
        Assert.Equal(CniException.Internal, e.Code);
        Assert.Equal(message, e.Msg);
    }

    [Fact]
    public void Without_a_pod_name_there_is_no_lease_and_check_is_not_implemented()
    {
        var (n1, _, _) = Cluster();
        var net = Net("""{"type":"whereabouts","range":"10.0.0.0/24"}""");
        var e = Assert.Throws<CniException>(() => n1.Add(net, new CniArgs("ADD", "c", "/x", "net1")));
        Assert.Equal("error at storage engine: IPAM client initialization error: no pod name", e.Msg);
        n1.Add(net, Pod("a", "a"));
        Assert.Equal("CNI CHECK method is not implemented", Assert.Throws<CniException>(() => n1.Check(net, Pod("a", "a"))).Msg);
    }
}
