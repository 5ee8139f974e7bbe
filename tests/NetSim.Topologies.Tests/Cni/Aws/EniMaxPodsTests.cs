using NetSim.Topologies.Cni.Aws;

namespace NetSim.Topologies.Tests.Cni.Aws;

/// <summary>
/// Max pods per instance type: every row of the VPC CNI's eni-max-pods.txt against the formula computed from its
/// limits table, and the prefix-delegation variant with max-pods-calculator.sh's ceilings.
/// </summary>
public class EniMaxPodsTests
{
    private static IEnumerable<(string Type, int MaxPods)> Rows() =>
        Ec2InstanceTypes.ResourceLines("eni-max-pods.txt")
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .Select(f => (f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Every_row_of_eni_max_pods_is_the_formula_over_the_limits_table()
    {
        var rows = Rows().ToList();
        Assert.Equal(1391, rows.Count);
        Assert.Equal(1391, rows.Select(r => r.Type).Distinct().Count());
        var wrong = new List<string>();
        foreach (var (type, maxPods) in rows)
        {
            Assert.True(Ec2InstanceTypes.TryFind(type, out var t), $"{type} is not in the limits table");
            int formula = t.EnisForPods * (t.Ipv4PerEni - 1) + 2;
            Assert.Equal(formula, EniMaxPods.SecondaryIp(t));
            if (formula != maxPods) wrong.Add($"{type}: file {maxPods}, formula {formula}");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void Reference_instance_types_have_their_documented_limits()
    {
        var m5 = Ec2InstanceTypes.All["m5.large"];
        Assert.Equal((3, 10), (m5.EnisForPods, m5.Ipv4PerEni));
        Assert.Equal(29, EniMaxPods.SecondaryIp(m5)); // 3 x (10 - 1) + 2
        Assert.Equal(4, EniMaxPods.SecondaryIp(Ec2InstanceTypes.All["t3.nano"])); // 2 x (2 - 1) + 2
        Assert.Equal(737, EniMaxPods.SecondaryIp(Ec2InstanceTypes.All["c5.18xlarge"])); // 15 x 49 + 2
    }

    [Theory]
    [InlineData("m5.large", 2, 434, 110)]      // 3 x (9 x 16) + 2, capped at 110 (2 vCPUs)
    [InlineData("m5.large", 30, 434, 110)]     // 30 vCPUs is still the low ceiling (CPU_COUNT -gt 30)
    [InlineData("m5.large", 31, 434, 250)]
    [InlineData("t3.nano", 2, 34, 34)]         // 2 x (1 x 16) + 2, below the ceiling
    [InlineData("c5.18xlarge", 72, 11762, 250)] // 15 x (49 x 16) + 2
    public void Prefix_delegation_gives_sixteen_per_slot_and_the_calculator_caps_it(string type, int vcpus, int allowed, int recommended)
    {
        var t = Ec2InstanceTypes.All[type];
        Assert.Equal(allowed, EniMaxPods.PrefixDelegationMaxAllowed(t));
        Assert.Equal(recommended, EniMaxPods.Recommended(t, prefixDelegation: true, vcpus));
    }

    [Fact]
    public void Prefix_delegation_needs_nitro_and_otherwise_the_secondary_ip_formula_holds()
    {
        var xen = Ec2InstanceTypes.All.Values.First(t => !t.IsNitro && EniMaxPods.SecondaryIp(t) < 110);
        Assert.Equal(EniMaxPods.SecondaryIp(xen), EniMaxPods.Recommended(xen, prefixDelegation: true, 4));
    }
}
