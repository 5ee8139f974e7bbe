using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>The pod MTU each CNI derives with its encryption on a 1500-byte NIC (the CNIs' own MTU rules).</summary>
public class NodeEncryptionKindsTests
{
    private static int PodMtu(string datapath, string? encryption)
    {
        var sets = new List<string> { $"cni.datapath={datapath}" };
        if (encryption is not null) sets.Add($"cni.encryption={encryption}");
        var s = ScenarioLoader.Parse("""
            name: mtu
            cluster: { nodes: { count: 2 }, nic: { mtu: 1500 } }
            workloads: [{ name: a }]
            """, "mtu.yaml", sets);
        return 1500 - NodeEncryptionKinds.PodMtuOverhead(s.Cni);
    }

    [Theory]
    [InlineData("calico-bgp", "wireguard", 1440)]
    [InlineData("calico-ipip", "wireguard", 1440)] // wireguard.cali replaces tunl0: Calico's MTU table gives 1440
    [InlineData("calico-vxlan", "true", 1440)]
    [InlineData("calico-vxlan", null, 1450)]
    [InlineData("cilium-vxlan", "wireguard", 1390)] // VXLAN inside WireGuard: 50 + 60
    [InlineData("cilium-ebpf", "ipsec", 1423)] // Cilium's EncryptionIPsecOverhead, 77
    [InlineData("cilium-geneve", "ipsec", 1373)]
    [InlineData("flannel-wireguard", null, 1420)] // flannel's wireguard backend: 80
    public void Pod_mtu(string datapath, string? encryption, int expected) => Assert.Equal(expected, PodMtu(datapath, encryption));

    [Fact]
    public void Variants_name_the_encryptions_each_datapath_offers()
    {
        Assert.True(DatapathVariant.IsKnown("cilium-vxlan+ipsec"));
        Assert.True(DatapathVariant.IsKnown("calico-ebpf+wireguard"));
        Assert.True(DatapathVariant.IsKnown("bridge+none"));
        Assert.False(DatapathVariant.IsKnown("calico-bgp+ipsec"));
        Assert.False(DatapathVariant.IsKnown("flannel-vxlan+wireguard"));
        Assert.Equal(["cni.datapath=cilium-ebpf", "cni.encryption=false"], DatapathVariant.Overrides("cilium-ebpf+none"));
    }
}
