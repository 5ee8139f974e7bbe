using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>"+route-reflectors" selects cni.bgp=route-reflectors for the Calico modes whose routes BIRD learns, and nothing else.</summary>
public class RouteReflectorVariantTests
{
    [Theory]
    [InlineData("calico-bgp+route-reflectors", true)]
    [InlineData("calico-ipip+route-reflectors", true)]
    [InlineData("calico-ebpf+route-reflectors", true)]
    [InlineData("calico-vxlan+route-reflectors", false)]  // Felix programs calico-vxlan's block routes, no BGP
    [InlineData("cilium-vxlan+route-reflectors", false)]
    [InlineData("cilium-vxlan+reflectors", false)]        // an unknown suffix was once taken for WireGuard
    public void Only_calico_over_bgp_has_a_route_reflector_variant(string name, bool known)
    {
        Assert.Equal(known, DatapathVariant.IsKnown(name));
        Assert.Equal(known, DatapathVariant.All.Contains(name));
    }

    [Fact]
    public void The_variant_sets_the_bgp_topology_and_keeps_the_files_reflectors()
    {
        Assert.Equal(["cni.datapath=calico-ipip", "cni.bgp=route-reflectors"], DatapathVariant.Overrides("calico-ipip+route-reflectors"));
        var s = ScenarioLoader.Parse("""
            name: rr
            cluster: { nodes: { count: 3 } }
            cni: { datapath: cilium-vxlan, route_reflectors: [node2] }
            """, "rr.yaml", DatapathVariant.Overrides("calico-bgp+route-reflectors"));
        Assert.Equal("route-reflectors", s.Cni.BgpTopology);
        Assert.Equal(["node2"], s.Cni.RouteReflectors);
    }
}
