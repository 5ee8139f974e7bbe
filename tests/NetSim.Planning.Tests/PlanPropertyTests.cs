using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Planning.Requirements;
using NetSim.Planning.Rules;
using NetSim.Topologies.Cni.Aws;

namespace NetSim.Planning.Tests;

/// <summary>
/// Random requirements (seeded): every plan has no overlap (among its prefixes, with the avoid list, outside the
/// space) and no undersized prefix, checked from the prefixes by each CNI's closed form; every refusal is bad input
/// naming its line, with a change that, applied, clears that refusal.
/// </summary>
public sealed partial class PlanPropertyTests
{
    private const int Cases = 300;

    [Fact]
    public void Random_requirements_give_sound_plans_or_a_change_that_meets_them()
    {
        var random = new Random(1717);
        int planned = 0, refused = 0, awsScenarios = 0;
        for (int i = 0; i < Cases; i++)
        {
            string yaml = RandomRequirements(random);
            var r = RequirementsReader.Parse(yaml, $"case{i}.yaml");
            try
            {
                var plan = AddressPlanner.PlanOrThrow(r);
                awsScenarios += AssertSound(plan, yaml);
                planned++;
            }
            catch (UnmetRequirementException)
            {
                var e = Assert.Throws<InputException>(() => AddressPlanner.Plan(r));
                Assert.True(e.Line > 0, $"no line: {e.Message}\n{yaml}");
                Assert.Contains("smallest change: ", e.Message, StringComparison.Ordinal);
                AssertChangeClearsRefusal(r, e, yaml);
                refused++;
            }
        }
        // Both outcomes occur, so neither half of the test is vacuous.
        Assert.True(planned > Cases / 5 && refused > Cases / 10, $"{planned} planned, {refused} refused");
        Assert.True(awsScenarios > 0, $"{awsScenarios} AWS scenarios checked");
    }

    /// <summary>
    /// AWS VPC CNI plans on random instance types of the limits table, at demands most of them can hold: every plan's
    /// scenarios pass the scenario validator on the planned VPC subnet, and refusals name a line and a change.
    /// </summary>
    [Fact]
    public void Random_aws_requirements_give_scenarios_that_validate()
    {
        var random = new Random(4242);
        int scenarios = 0, refused = 0;
        for (int i = 0; i < 60; i++)
        {
            var type = InstanceTypes[random.Next(InstanceTypes.Length)];
            int workers = random.Next(1, 40);
            int maxPods = random.Next(2) == 0 ? 110 : 250;
            int pods = random.Next(0, workers * Math.Min(maxPods, type.EnisForPods * (type.Ipv4PerEni - 1)) + 1);
            string yaml = Inv($"nodes: {{ control_plane: {random.Next(0, 4)}, workers: {workers} }}\npods: {pods}\nservices: {random.Next(0, 200)}\nmax_pods: {maxPods}\n") +
                          Inv($"growth: {1 + random.Next(0, 200) / 100m}\ncni: {{ ipam: aws-vpc, instance_type: {type.Name}, prefix_delegation: {(type.IsNitro && random.Next(2) == 0 ? "true" : "false")} }}\n") +
                          Inv($"environments: [{string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(e => $"{{ name: env{e} }}"))}]\n");
            var r = RequirementsReader.Parse(yaml, $"aws{i}.yaml");
            try
            {
                var plan = AddressPlanner.PlanOrThrow(r);
                AssertSound(plan, yaml);
                var built = PlanScenarios.Build(plan);
                Assert.True(built.Count == plan.Clusters.Count, yaml);
                scenarios += built.Count;
            }
            catch (UnmetRequirementException)
            {
                var e = Assert.Throws<InputException>(() => AddressPlanner.Plan(r));
                Assert.True(e.Line > 0, $"no line: {e.Message}\n{yaml}");
                AssertChangeClearsRefusal(r, e, yaml);
                refused++;
            }
        }
        Assert.True(scenarios > 60, $"{scenarios} scenarios, {refused} refused");
    }

    private static string RandomRequirements(Random rnd)
    {
        string ipam = CniRules.All[rnd.Next(CniRules.All.Length)];
        var y = new StringBuilder();
        int workers = Pick(rnd, 1, 20, 300, 3000);
        y.Append(Inv($"nodes: {{ control_plane: {rnd.Next(0, 6)}, workers: {workers} }}\n"));
        y.Append(Inv($"pods: {Pick(rnd, 0, 500, 20_000, 300_000)}\nservices: {Pick(rnd, 0, 100, 5_000, 300_000)}\n"));
        y.Append(Inv($"growth: {1 + rnd.Next(0, 300) / 100m}\nmax_pods: {Pick(rnd, 10, 110, 250, 600)}\n"));
        y.Append(Inv($"cni: {{ ipam: {ipam}"));
        if (ipam is CniRules.HostLocal or CniRules.Cilium) y.Append(Inv($", node_mask: {rnd.Next(20, 28)}"));
        if (ipam == CniRules.Calico) y.Append(Inv($", block_size: {rnd.Next(24, 29)}"));
        if (ipam == CniRules.AwsVpc && rnd.Next(2) == 0)
        {
            var type = InstanceTypes[rnd.Next(InstanceTypes.Length)];
            y.Append(Inv($", instance_type: {type.Name}, prefix_delegation: {(type.IsNitro && rnd.Next(2) == 0 ? "true" : "false")}"));
        }
        else if (ipam == CniRules.AwsVpc)
            y.Append(Inv($", enis: {rnd.Next(2, 16)}, ips_per_eni: {rnd.Next(2, 51)}, prefix_delegation: {(rnd.Next(2) == 0 ? "false" : "true")}"));
        y.Append(" }\nenvironments:\n");
        int envs = rnd.Next(1, 5);
        for (int e = 0; e < envs; e++)
        {
            string cluster = rnd.Next(3) == 0 ? "shared" : $"env{e}";
            y.Append(Inv($"  - {{ name: env{e}, cluster: {cluster}"));
            if (rnd.Next(2) == 0) y.Append(Inv($", workers: {Pick(rnd, 1, 10, 100, 1000)}"));
            y.Append(" }\n");
        }
        if (rnd.Next(2) == 0) y.Append(Inv($"management: {{ hosts: {rnd.Next(1, 5000)} }}\n"));
        int avoid = rnd.Next(0, 4);
        if (avoid > 0)
            y.Append("avoid: [").Append(string.Join(", ", Enumerable.Range(0, avoid).Select(_ => RandomPrivatePrefix(rnd)))).Append("]\n");
        if (rnd.Next(4) == 0) y.Append("allow_shared_address_space: true\n");
        return y.ToString();
    }

    private static readonly Ec2InstanceType[] InstanceTypes = [.. Ec2InstanceTypes.All.Values];

    private static int Pick(Random rnd, int a, int b, int c, int d) => rnd.Next(4) switch
    {
        0 => rnd.Next(a, b + 1),
        1 => rnd.Next(b, c + 1),
        2 => rnd.Next(a, c + 1),
        _ => rnd.Next(c, d + 1),
    };

    private static string RandomPrivatePrefix(Random rnd)
    {
        var space = RequirementsReader.Rfc1918[rnd.Next(3)];
        int length = rnd.Next(space.Length, 25);
        ulong index = (ulong)rnd.NextInt64(0, (long)(1UL << (length - space.Length)));
        return space.Subnet(length, index).ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Overlaps from the prefixes themselves, and each prefix's size against the CNI's closed form; returns the AWS scenarios loaded.</summary>
    private static int AssertSound(AddressPlan plan, string yaml)
    {
        Assert.True(plan.Conflicts().Count == 0, string.Join("; ", plan.Conflicts()) + "\n" + yaml);
        var r = plan.Requirements;
        foreach (var c in plan.Clusters)
        {
            var d = c.Demand;
            string where = $"{d.Name}\n{yaml}";
            Assert.True(c.Block.Contains(c.NodeSubnet) && c.Block.Contains(c.ServiceCidr) && (c.PodCidr is null || c.Block.Contains(c.PodCidr.Value)), where);
            Assert.True(c.ServiceCidr.Size - 2 >= (ulong)d.ServicesAfter + 2 && c.ServiceCidr.Length >= 12, where);
            switch (r.Cni.Ipam)
            {
                case CniRules.HostLocal or CniRules.Cilium:
                    ulong subnets = c.PodCidr!.Value.Size >> (32 - r.Cni.NodeMask);
                    long perNode = Math.Min(r.MaxPods, (long)(1UL << (32 - r.Cni.NodeMask)) - 3);
                    Assert.True(subnets >= (ulong)d.NodesAfter, where);
                    Assert.True(d.WorkersAfter * perNode >= d.PodsAfter, where);
                    Assert.True(c.NodeSubnet.Size - 3 >= (ulong)d.NodesAfter + 1, where);
                    break;
                case CniRules.Calico:
                    Assert.True(c.PodCidr!.Value.Size >= (ulong)(d.PodsAfter + d.NodesAfter), where);
                    Assert.True(c.PodCidr.Value.Size >> (32 - r.Cni.BlockSize) >= (ulong)d.NodesAfter, where);
                    Assert.True((long)d.WorkersAfter * r.MaxPods >= d.PodsAfter, where);
                    Assert.True(c.NodeSubnet.Size - 3 >= (ulong)d.NodesAfter + 1, where);
                    break;
                default:
                    var aws = new AwsVpcCniRule(r.Cni.Enis, r.Cni.IpsPerEni, r.Cni.PrefixDelegation);
                    if (r.Cni.InstanceType.Length > 0)
                        Assert.Equal((r.Cni.Enis, r.Cni.IpsPerEni), (Ec2InstanceTypes.All[r.Cni.InstanceType].EnisForPods, Ec2InstanceTypes.All[r.Cni.InstanceType].Ipv4PerEni));
                    Assert.Null(c.PodCidr);
                    Assert.True(c.NodeSubnet.Size >= (ulong)((long)d.NodesAfter * aws.SubnetAddressesPerNode + 5) && c.NodeSubnet.Length >= 16, where);
                    Assert.True((long)d.WorkersAfter * Math.Min(r.MaxPods, aws.PodAddressesPerNode) >= d.PodsAfter, where);
                    break;
            }
            Assert.All(c.Rows, row => Assert.True(row.After <= row.Capacity, $"{row.Resource}: {row.After} > {row.Capacity} in {where}"));
        }
        if (plan.Management is { } m) Assert.True(m.Size - 3 >= (ulong)Math.Ceiling(r.ManagementHosts * r.Growth), yaml);
        // An AWS plan's scenarios load and pass the scenario validator (its pods fit each node's ENIs), or say why there are none.
        if (r.Cni.Ipam == CniRules.AwsVpc && plan.Clusters.Sum(c => (long)c.Demand.Pods + c.Demand.Nodes) <= ScenarioCheckLimit)
        {
            var scenarios = PlanScenarios.Build(plan);
            Assert.True(scenarios.Count == plan.Clusters.Count || PlanScenarios.Withheld(plan) is not null, yaml);
            foreach (var ((_, s), c) in scenarios.Zip(plan.Clusters))
                Assert.True(s.Cni.Datapath == "aws-vpc-cni" && s.Cluster.NodeCidr == c.NodeSubnet, yaml);
            return scenarios.Count;
        }
        return 0;
    }

    /// <summary>Pods and nodes of a plan whose scenarios the test loads (placing a few hundred thousand pods would dominate the test's time).</summary>
    private const int ScenarioCheckLimit = 200_000;

    /// <summary>The first suggested change, applied: the plan then succeeds or stops at another requirement, never the same one.</summary>
    private static void AssertChangeClearsRefusal(PlanRequirements r, InputException e, string yaml)
    {
        string change = e.Message[(e.Message.IndexOf("smallest change: ", StringComparison.Ordinal) + "smallest change: ".Length)..];
        if (change.StartsWith("none found", StringComparison.Ordinal) || change.StartsWith("fewer", StringComparison.Ordinal)
            || change.StartsWith("services: at most", StringComparison.Ordinal) || change.StartsWith("pods in cluster", StringComparison.Ordinal)) return;
        var changed = Apply(r, change) ?? throw new Xunit.Sdk.XunitException($"cannot apply '{change}'\n{yaml}");
        try
        {
            AddressPlanner.PlanOrThrow(changed);
        }
        catch (UnmetRequirementException again)
        {
            Assert.False(again.Field == e.Field && e.Problem.StartsWith($"cannot be met: {again.Reason};", StringComparison.Ordinal),
                $"'{change}' did not clear: {e.Message}\n{yaml}");
        }
    }

    private static PlanRequirements? Apply(PlanRequirements r, string change)
    {
        if (change.StartsWith("allow_shared_address_space: true", StringComparison.Ordinal))
            return r with { Space = [.. r.Space, RequirementsReader.SharedAddressSpace] };
        if (change.StartsWith("cni.prefix_delegation: ", StringComparison.Ordinal))
            return r with { Cni = r.Cni with { PrefixDelegation = change.StartsWith("cni.prefix_delegation: true", StringComparison.Ordinal) } };
        var m = Arrow().Match(change);
        if (m.Success)
        {
            string to = m.Groups["to"].Value;
            switch (m.Groups["field"].Value)
            {
                case "growth": return r with { Growth = decimal.Parse(to, CultureInfo.InvariantCulture) };
                case "max_pods": return r with { MaxPods = int.Parse(to, CultureInfo.InvariantCulture) };
                case "cni.node_mask": return r with { Cni = r.Cni with { NodeMask = int.Parse(to, CultureInfo.InvariantCulture) } };
            }
        }
        var w = Workers().Match(change);
        if (w.Success)
        {
            string cluster = w.Groups["cluster"].Value;
            int add = int.Parse(w.Groups["to"].Value, CultureInfo.InvariantCulture) - int.Parse(w.Groups["from"].Value, CultureInfo.InvariantCulture);
            int first = r.Environments.ToList().FindIndex(e => e.Cluster == cluster);
            var envs = r.Environments.Select((e, i) => i == first ? e with { Workers = e.Workers + add } : e).ToList();
            return r with { Environments = envs };
        }
        var a = Avoid().Match(change);
        if (a.Success)
        {
            var prefix = Ipv4Prefix.Parse(a.Groups["prefix"].Value);
            return r with { Avoid = r.Avoid.Where(p => p != prefix).ToList() };
        }
        return null;
    }

    [GeneratedRegex(@"^(?<field>[a-z_.]+): (?<from>[0-9.]+) → (?<to>[0-9.]+)")]
    private static partial Regex Arrow();

    [GeneratedRegex(@"^workers in cluster (?<cluster>[a-z0-9-]+): (?<from>\d+) → (?<to>\d+)")]
    private static partial Regex Workers();

    [GeneratedRegex(@"^remove (?<prefix>[0-9./]+) from avoid")]
    private static partial Regex Avoid();
}
