using NetSim.Engine.Diagnostics;
using NetSim.Planning.Requirements;

namespace NetSim.Planning.Tests;

/// <summary>Bad requirements are refused with file, line and field; nothing unknown is silently ignored.</summary>
public sealed class RequirementsReaderTests
{
    private const string Good = """
        name: small
        nodes: { control_plane: 1, workers: 4 }
        pods: 100
        services: 10
        cni:
          ipam: calico
        """;

    [Theory]
    [InlineData("services: 10", "servics: 10", 4, "servics", "unknown field (did you mean 'services'?)")]
    [InlineData("pods: 100", "podz: 100", 1, "pods", "is required")]
    [InlineData("  ipam: calico", "  ipam: calico\n  blok_size: 26", 7, "cni.blok_size", "unknown field")]
    [InlineData("  ipam: calico", "  ipam: calico\n  node_mask: 24", 7, "cni.node_mask", "does not apply to ipam calico")]
    [InlineData("  ipam: calico", "  ipam: weave", 6, "cni.ipam", "'weave' is not one of")]
    [InlineData("  ipam: calico", "  ipam: calico\n  datapath: flannel-vxlan", 7, "cni.datapath", "'flannel-vxlan' is not one of calico-vxlan")]
    [InlineData("  ipam: calico", "  ipam: aws-vpc\n  enis: 3", 6, "cni.ips_per_eni", "is required")]
    [InlineData("pods: 100", "pods: many", 3, "pods", "'many' is not a whole number")]
    [InlineData("services: 10", "services: 10\ngrowth: 0.5", 5, "growth", "0.5 is out of range")]
    [InlineData("services: 10", "services: 10\navoid: [10.0.0.1/8]", 5, "avoid", "host bits set")]
    [InlineData("services: 10", "services: 10\nspace: [8.8.0.0/16]", 5, "space", "is not private address space")]
    [InlineData("services: 10", "services: 10\nenvironments: [{ name: dev }, { name: dev }]", 5, "environments[1].name", "named twice")]
    [InlineData("services: 10", "services: 10\nmanagement: { hosts: 10, vlan: 7 }", 5, "management.vlan", "unknown field")]
    public void Bad_input_names_file_line_and_field(string from, string to, int line, string field, string problem)
    {
        var e = Assert.Throws<InputException>(() => RequirementsReader.Parse(Good.Replace(from, to, StringComparison.Ordinal), "req.yaml"));
        Assert.Equal("req.yaml", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_the_upstream_ones()
    {
        var r = RequirementsReader.Parse(Good, "req.yaml");
        Assert.Equal(110, r.MaxPods);
        Assert.Equal(26, r.Cni.BlockSize);
        Assert.Equal("calico-vxlan", r.Cni.Datapath);
        Assert.Equal(1m, r.Growth);
        Assert.Equal(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], r.Space.Select(p => p.ToString()));
        Assert.Equal("default", Assert.Single(r.Environments).Cluster);
    }

    [Fact]
    public void Environments_on_one_cluster_add_up()
    {
        var r = RequirementsReader.Parse(Good + "\nenvironments: [{ name: dev, cluster: nonprod, pods: 30 }, { name: staging, cluster: nonprod }, { name: prod }]", "req.yaml");
        var demands = AddressPlanner.Demands(r);
        Assert.Equal(["nonprod", "prod"], demands.Select(d => d.Name));
        Assert.Equal(130, demands[0].Pods);
        Assert.Equal(8, demands[0].Workers);
        Assert.Equal(1, demands[0].ControlPlane);
    }
}
