using NetSim.Engine.Diagnostics;
using NetSim.Planning.Requirements;
using NetSim.Topologies.Cni.Aws;
using NetSim.Topologies.Scenarios;

namespace NetSim.Planning.Tests;

/// <summary>
/// AWS VPC CNI plans: the instance type's ENI limits come from the VPC CNI's table, ENI limits given as numbers are
/// matched to a type of the table, and each cluster's scenario runs aws-vpc-cni on the planned VPC subnet; limits no
/// type has write no scenario and say why.
/// </summary>
public sealed class AwsPlanScenarioTests
{
    private const string Requirements = """
        name: eks
        nodes: { control_plane: 3, workers: 20 }
        pods: 400
        services: 100
        growth: 2
        cni:
          ipam: aws-vpc
          CNI
        environments: [{ name: dev }, { name: prod }]
        """;

    private static AddressPlan Plan(string cni) => AddressPlanner.Plan(RequirementsReader.Parse(Requirements.Replace("CNI", cni, StringComparison.Ordinal), "eks.yaml"));

    [Fact]
    public void An_instance_type_gives_its_eni_limits_and_a_scenario_per_cluster_on_the_planned_vpc_subnet()
    {
        var plan = Plan("instance_type: m5.xlarge");
        var m5 = Ec2InstanceTypes.All["m5.xlarge"];
        Assert.Equal((m5.EnisForPods, m5.Ipv4PerEni), (plan.Requirements.Cni.Enis, plan.Requirements.Cni.IpsPerEni));
        var scenarios = PlanScenarios.Build(plan);
        Assert.Equal(["dev.yaml", "prod.yaml"], scenarios.Select(s => s.FileName));
        foreach (var ((_, s), c) in scenarios.Zip(plan.Clusters))
        {
            Assert.Equal(DatapathNames.AwsVpcCni, s.Cni.Datapath);
            Assert.Equal("m5.xlarge", s.Cni.Aws!.InstanceType);
            Assert.False(s.Cni.Aws.PrefixDelegation);
            Assert.Equal(c.NodeSubnet, s.Cluster.NodeCidr);
            Assert.False(s.Cluster.PodCidr.Overlaps(c.NodeSubnet) || s.Cluster.PodCidr.Overlaps(c.ServiceCidr));
            Assert.Equal(23, s.Cluster.Nodes.Count);
            // The VPC subnet holds every ENI address of every node after growth: 46 × 4 × 15 + 5 = 2,765 → a /20.
            Assert.Equal(20, s.Cluster.NodeCidr.Length);
        }
        // Written and loaded back, as netsim validate loads it.
        var (file, scenario) = scenarios[0];
        Assert.Equal(DatapathNames.AwsVpcCni, ScenarioLoader.Parse(PlanScenarios.Text(scenario), file).Cni.Datapath);
    }

    [Fact]
    public void Eni_limits_given_as_numbers_are_matched_to_an_instance_type_that_has_them()
    {
        var plan = Plan("enis: 3\n  ips_per_eni: 10\n  prefix_delegation: true");
        var type = Ec2InstanceTypes.All[plan.Requirements.Cni.InstanceType];
        Assert.Equal((3, 10, true), (type.EnisForPods, type.Ipv4PerEni, type.IsNitro));
        var s = PlanScenarios.Build(plan)[0].Scenario;
        Assert.Equal(type.Name, s.Cni.Aws!.InstanceType);
        Assert.True(s.Cni.Aws.PrefixDelegation);
    }

    [Fact]
    public void Eni_limits_no_instance_type_has_write_no_scenario_and_name_the_smallest_type_that_holds_them()
    {
        var plan = Plan("enis: 5\n  ips_per_eni: 13");
        Assert.Empty(PlanScenarios.Build(plan));
        string why = PlanScenarios.Withheld(plan)!;
        var smallest = AwsInstanceTypes.SmallestHolding(5, 13, false)!;
        Assert.Equal((5, 30), (smallest.EnisForPods, smallest.Ipv4PerEni)); // the table has no 5 × 13, and 5 × 30 is the least above it
        Assert.Contains($"no instance type in the VPC CNI's limits table has 5 ENIs × 13 IPv4 (the smallest with at least that many is {smallest.Name}", why, StringComparison.Ordinal);
        Assert.Contains($"No scenarios: {why}.", PlanReport.Markdown(plan, []), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instance_type: m5.xlarge\n  enis: 4\n  ips_per_eni: 15", null)]
    [InlineData("instance_type: m5.xlarge\n  enis: 3", "cni.enis: is 3 but cni.instance_type m5.xlarge has 4")]
    [InlineData("instance_type: m5.xlarge\n  ips_per_eni: 10", "cni.ips_per_eni: is 10 but cni.instance_type m5.xlarge has 15")]
    [InlineData("instance_type: m5.xlargee", "cni.instance_type: 'm5.xlargee' is not in the VPC CNI's limits table (did you mean 'm5.xlarge'?)")]
    [InlineData("instance_type: t2.medium\n  prefix_delegation: true", "cni.instance_type: t2.medium is not a Nitro instance, and prefix delegation needs one")]
    public void Giving_both_an_instance_type_and_eni_limits_is_an_error_unless_they_agree(string cni, string? error)
    {
        string yaml = Requirements.Replace("CNI", cni, StringComparison.Ordinal);
        if (error is null)
        {
            Assert.Equal("m5.xlarge", RequirementsReader.Parse(yaml, "eks.yaml").Cni.InstanceType);
            return;
        }
        var e = Assert.Throws<InputException>(() => RequirementsReader.Parse(yaml, "eks.yaml"));
        Assert.True(e.Line >= 8, e.Message);
        Assert.EndsWith(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_is_not_nitro_is_not_told_to_turn_on_prefix_delegation()
    {
        // t2.medium: 3 ENIs × (6 − 1) = 15 pod addresses per node; 40 workers after growth hold 600 < 1,000 pods.
        var r = RequirementsReader.Parse(Requirements.Replace("CNI", "instance_type: t2.medium", StringComparison.Ordinal).Replace("pods: 400", "pods: 500", StringComparison.Ordinal), "eks.yaml");
        var e = Assert.Throws<InputException>(() => AddressPlanner.Plan(r));
        Assert.Equal("cni.enis", e.Field);
        Assert.Equal(8, e.Line); // the instance type's line: it set the ENIs
        Assert.DoesNotContain("prefix_delegation", e.Message, StringComparison.Ordinal);
        var m5 = RequirementsReader.Parse(Requirements.Replace("CNI", "enis: 3\n  ips_per_eni: 6", StringComparison.Ordinal).Replace("pods: 400", "pods: 500", StringComparison.Ordinal), "eks.yaml");
        Assert.Contains("cni.prefix_delegation: true", Assert.Throws<InputException>(() => AddressPlanner.Plan(m5)).Message, StringComparison.Ordinal);
    }
}
