using NetSim.Topologies.Cni.Aws;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Cni.Aws;

/// <summary>The warm pool against the examples of the VPC CNI's docs (eni-and-ip-target.md, prefix-and-ip-target.md).</summary>
public class EniWarmPoolTests
{
    private static AwsVpcCniSpec Spec(int warmEni = 1, int warmIp = 0, int minIp = 0, bool pd = false, int warmPrefix = 1) =>
        AwsVpcCniSpec.Defaults with { WarmEniTarget = warmEni, WarmIpTarget = warmIp, MinimumIpTarget = minIp, PrefixDelegation = pd, WarmPrefixTarget = warmPrefix };

    [Theory]
    // instance, WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, pods, attached ENIs, attached secondary IPs
    [InlineData("t3.small", 1, 0, 0, 0, 1, 3)]
    [InlineData("t3.small", 1, 0, 0, 5, 3, 9)]
    [InlineData("t3.small", 1, 0, 0, 9, 3, 9)]
    [InlineData("t3.small", 0, 1, 1, 0, 1, 1)]
    [InlineData("t3.small", 0, 1, 1, 5, 2, 6)]
    [InlineData("t3.small", 0, 1, 1, 9, 3, 9)]
    [InlineData("t3.small", 0, 2, 5, 0, 2, 5)]
    [InlineData("t3.small", 0, 2, 5, 5, 3, 7)]
    [InlineData("t3.small", 0, 2, 5, 9, 3, 9)]
    [InlineData("p3dn.24xlarge", 1, 0, 0, 0, 1, 49)]
    [InlineData("p3dn.24xlarge", 1, 0, 0, 3, 2, 98)]
    [InlineData("p3dn.24xlarge", 1, 0, 0, 95, 3, 147)]
    [InlineData("p3dn.24xlarge", 0, 5, 10, 0, 1, 10)]
    [InlineData("p3dn.24xlarge", 0, 5, 10, 7, 1, 12)]
    [InlineData("p3dn.24xlarge", 0, 5, 10, 15, 1, 20)]
    [InlineData("p3dn.24xlarge", 0, 5, 10, 45, 2, 50)]
    public void Secondary_ip_mode_matches_the_documented_examples(string type, int warmEni, int warmIp, int minIp, int pods, int enis, int ips)
    {
        int[] attached = EniWarmPool.Attached(Ec2InstanceTypes.All[type], Spec(warmEni, warmIp, minIp), pods);
        Assert.Equal(enis, attached.Length);
        Assert.Equal(ips, attached.Sum());
    }

    [Theory]
    // t3.small, WARM_PREFIX_TARGET 1 or WARM_IP_TARGET/MINIMUM_IP_TARGET, pods, ENIs, prefixes per ENI
    [InlineData(1, 0, 0, 0, new[] { 1 })]
    [InlineData(1, 0, 0, 5, new[] { 2 })]
    [InlineData(1, 0, 0, 16, new[] { 2 })]
    [InlineData(1, 0, 0, 17, new[] { 3 })]
    [InlineData(1, 0, 0, 58, new[] { 3, 2 })]
    [InlineData(0, 1, 1, 5, new[] { 1 })]
    [InlineData(0, 1, 1, 17, new[] { 2 })]
    [InlineData(0, 1, 1, 58, new[] { 3, 1 })]
    [InlineData(0, 7, 20, 5, new[] { 2 })]
    [InlineData(0, 7, 20, 58, new[] { 3, 2 })]
    public void Prefix_delegation_matches_the_documented_examples(int warmPrefix, int warmIp, int minIp, int pods, int[] perEni)
    {
        var spec = Spec(warmIp: warmIp, minIp: minIp, pd: true, warmPrefix: warmPrefix);
        Assert.Equal(perEni, EniWarmPool.Attached(Ec2InstanceTypes.All["t3.small"], spec, pods));
    }

    [Fact]
    public void Pods_wait_for_an_attach_only_when_the_warm_pool_is_empty()
    {
        var t3 = Ec2InstanceTypes.All["t3.small"];
        // WARM_ENI_TARGET=1 keeps a whole ENI free: nine pods arrive one by one and none waits.
        Assert.Equal(0, EniWarmPool.PodsThatWaited(t3, Spec(), 9));
        // WARM_IP_TARGET=1 always has the next pod's address ready.
        Assert.Equal(0, EniWarmPool.PodsThatWaited(t3, Spec(0, 1, 1), 9));
        // WARM_ENI_TARGET=0: ENIs only as pods need them; the 4th and 7th pod find the attached ENIs full.
        Assert.Equal(2, EniWarmPool.PodsThatWaited(t3, Spec(warmEni: 0), 9));
        // MINIMUM_IP_TARGET=5 and no warm IPs: pods 6 to 9 each wait for an address.
        Assert.Equal(4, EniWarmPool.PodsThatWaited(t3, Spec(0, 0, 5), 9));
    }
}
