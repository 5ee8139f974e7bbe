using NetSim.Topologies.Cni.Aws;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>Reads cni.aws: the instance type (one of the VPC CNI's limits table) and the aws-node settings.</summary>
internal static class AwsVpcCniReader
{
    public static AwsVpcCniSpec Read(YamlMap m)
    {
        var d = AwsVpcCniSpec.Defaults;
        string type = m.Text("instance_type", d.InstanceType);
        if (!Ec2InstanceTypes.TryFind(type, out _))
            throw m.Error("instance_type", $"'{type}' is not an instance type the VPC CNI knows (its limits table has {Ec2InstanceTypes.All.Count})");
        var spec = new AwsVpcCniSpec(
            type,
            m.Flag("prefix_delegation", d.PrefixDelegation),
            m.Count("warm_eni_target", d.WarmEniTarget, 0, 100),
            m.Count("warm_ip_target", d.WarmIpTarget, 0, 100_000),
            m.Count("minimum_ip_target", d.MinimumIpTarget, 0, 100_000),
            m.Count("warm_prefix_target", d.WarmPrefixTarget, 0, 1000),
            m.Flag("external_snat", d.ExternalSnat));
        if (spec.PrefixDelegation && !Ec2InstanceTypes.All[type].IsNitro)
            throw m.Error("prefix_delegation", $"{type} is not a Nitro instance; prefix delegation needs Nitro");
        if (spec.PrefixDelegation && spec.WarmPrefixTarget == 0 && !spec.IpTargets)
            throw m.Error("warm_prefix_target", "0 with no warm_ip_target/minimum_ip_target is not supported with prefix delegation (docs/prefix-and-ip-target.md)");
        m.RejectUnknown();
        return spec;
    }
}
