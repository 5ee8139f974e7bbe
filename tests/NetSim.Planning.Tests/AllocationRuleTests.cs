using NetSim.Planning.Rules;
using NetSim.Topologies.Scenarios;

namespace NetSim.Planning.Tests;

/// <summary>Each CNI's rule against its published numbers (docs/planning.md) and closed-form arithmetic.</summary>
public sealed class AllocationRuleTests
{
    private static ClusterDemand Demand(int cp, int workers, int pods, decimal growth = 1m) => new("c", ["c"], cp, workers, pods, 0, growth);

    [Theory]
    // instance type: ENIs, IPv4 addresses per ENI → max pods as the VPC CNI's eni-max-pods.txt lists them, and with /28 prefixes.
    [InlineData(3, 10, 29, 434)]   // m5.large
    [InlineData(3, 4, 11, 146)]    // t3.small
    [InlineData(15, 50, 737, 11762)] // m5.16xlarge
    [InlineData(2, 2, 4, 34)]      // t3.nano
    public void Aws_vpc_cni_max_pods_match_the_published_table(int enis, int ips, int maxPods, int withPrefixes)
    {
        Assert.Equal(maxPods, new AwsVpcCniRule(enis, ips, false).EniMaxPods);
        Assert.Equal(withPrefixes, new AwsVpcCniRule(enis, ips, true).EniMaxPods);
    }

    [Fact]
    public void Host_local_gives_every_node_a_24_and_a_node_253_addresses()
    {
        var sizing = new HostLocalRule(24).Size(Demand(3, 20, 1000, 2m), 110);
        Assert.Equal(18, sizing.PodCidrLength); // 46 nodes → 64 subnets → /24 − 6
        Assert.Equal(110, sizing.PodsPerNode);
        Assert.Equal(253, new HostLocalRule(24).UsablePerNode);
        Assert.Equal(13, new HostLocalRule(28).UsablePerNode);
    }

    [Fact]
    public void A_small_node_mask_caps_pods_below_max_pods()
    {
        var sizing = new HostLocalRule(26).Size(Demand(0, 10, 600), 110);
        Assert.Equal(61, sizing.PodsPerNode);
        var e = Assert.Throws<UnmetRequirementException>(() => new HostLocalRule(26).Size(Demand(0, 10, 700), 110));
        Assert.Equal("cni.node_mask", e.Field);
        Assert.StartsWith("cni.node_mask: 26 → 25", e.Change, StringComparison.Ordinal);
    }

    [Fact]
    public void Kube_controller_manager_refuses_more_than_16_bits_between_cluster_cidr_and_node_mask()
    {
        var e = Assert.Throws<UnmetRequirementException>(() => new HostLocalRule(28).Size(Demand(0, 70_000, 70_000), 110));
        Assert.Contains("at most 16", e.Reason, StringComparison.Ordinal);
        // Cilium's operator has no such limit.
        Assert.Equal(11, new CiliumClusterPoolRule(28).Size(Demand(0, 70_000, 70_000), 110).PodCidrLength);
    }

    [Fact]
    public void Calico_counts_blocks_per_node_with_the_tunnel_address()
    {
        // 64 pods + the VXLAN tunnel address per worker = 2 blocks of 64; 10 workers + 3 control plane × 1 = 23 → 32 blocks → /21.
        var vxlan = new CalicoIpamRule(26, DatapathNames.CalicoVxlan).Size(Demand(3, 10, 640), 110);
        Assert.Equal(21, vxlan.PodCidrLength);
        Assert.Equal(23, vxlan.Rows[0].After);
        // Native routing has no tunnel address: one block per worker, 13 blocks → 16 → /22.
        var bgp = new CalicoIpamRule(26, DatapathNames.CalicoBgp).Size(Demand(3, 10, 640), 110);
        Assert.Equal(22, bgp.PodCidrLength);
    }

    [Fact]
    public void Max_pods_below_the_demand_suggests_the_max_pods_that_fits()
    {
        var e = Assert.Throws<UnmetRequirementException>(() => new HostLocalRule(24).Size(Demand(0, 10, 1500), 110));
        Assert.Equal("max_pods", e.Field);
        Assert.StartsWith("max_pods: 110 → 150", e.Change, StringComparison.Ordinal);
        Assert.Contains("workers in cluster c: 10 → 14", e.Change, StringComparison.Ordinal);
    }

    [Fact]
    public void Aws_subnet_holds_every_eni_slot_and_the_five_aws_addresses()
    {
        var sizing = new AwsVpcCniRule(3, 10, false).Size(Demand(0, 20, 400, 2m), 110);
        Assert.Null(sizing.PodCidrLength);
        Assert.Equal(21, sizing.NodeSubnetLength); // 40 × 30 + 5 = 1,205 → 2,048
        var e = Assert.Throws<UnmetRequirementException>(() => new AwsVpcCniRule(3, 10, false).Size(Demand(0, 20, 1000), 110));
        Assert.StartsWith("cni.prefix_delegation: true", e.Change, StringComparison.Ordinal);
    }
}
