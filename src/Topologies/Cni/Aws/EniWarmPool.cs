using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// What ipamd keeps attached for a given number of pods (docs/eni-and-ip-target.md, docs/prefix-and-ip-target.md):
/// per ENI, the secondary IPs (or, with prefix delegation, the /28 prefixes) attached, ENIs filled in device order.
/// <list type="bullet">
/// <item>WARM_ENI_TARGET (the default, 1): every ENI is attached full, and ENIs are added until a whole ENI's worth of
/// addresses is free beyond the pods (t3.small, 5 pods: 3 ENIs, 9 IPs).</item>
/// <item>WARM_IP_TARGET / MINIMUM_IP_TARGET (either set; they override the ENI target): max(pods + WARM_IP_TARGET,
/// MINIMUM_IP_TARGET) addresses, no more (p3dn.24xlarge, 45 pods, 5/10: 2 ENIs, 49 + 1).</item>
/// <item>Prefix delegation: WARM_PREFIX_TARGET whole free /28s beyond the prefixes the pods use (t3.small, 17 pods: 3
/// prefixes), or the IP targets rounded up to whole prefixes.</item>
/// </list>
/// Everything is capped by the instance's ENIs and slots; the primary ENI is always attached.
/// </summary>
public static class EniWarmPool
{
    /// <summary>Slots (IPs, or prefixes with prefix delegation) attached on each ENI, primary first, for <paramref name="pods"/> pods.</summary>
    public static int[] Attached(Ec2InstanceType type, AwsVpcCniSpec spec, int pods)
    {
        int perEni = type.Ipv4PerEni - 1;
        int maxSlots = type.EnisForPods * perEni;
        int slots = spec.PrefixDelegation ? PrefixSlots(spec, pods) : IpSlots(spec, pods, perEni);
        slots = Math.Clamp(slots, 0, maxSlots);
        int enis = Math.Max(1, (slots + perEni - 1) / perEni);
        var attached = new int[enis];
        for (int i = 0; i < enis; i++) attached[i] = Math.Min(perEni, slots - i * perEni);
        return attached;
    }

    /// <summary>Addresses attached: each slot is one IP, or a /28 prefix of 16.</summary>
    public static int Addresses(AwsVpcCniSpec spec, int[] attached) => attached.Sum() * (spec.PrefixDelegation ? EniMaxPods.IpsPerPrefix : 1);

    /// <summary>
    /// Pods that, arriving one at a time with ipamd reconciling between arrivals, found no free address and waited
    /// for EC2 to attach an ENI (or assign addresses): the pool after k−1 pods holds fewer than k addresses.
    /// </summary>
    public static int PodsThatWaited(Ec2InstanceType type, AwsVpcCniSpec spec, int pods)
    {
        int waited = 0;
        for (int k = 1; k <= pods; k++)
            if (Addresses(spec, Attached(type, spec, k - 1)) < k) waited++;
        return waited;
    }

    private static int IpSlots(AwsVpcCniSpec spec, int pods, int perEni)
    {
        if (spec.IpTargets) return Math.Max(pods + spec.WarmIpTarget, spec.MinimumIpTarget);
        int enis = 1;
        while (enis * perEni - pods < spec.WarmEniTarget * perEni && enis * perEni < int.MaxValue / 2) enis++;
        return enis * perEni;
    }

    private static int PrefixSlots(AwsVpcCniSpec spec, int pods)
    {
        const int n = EniMaxPods.IpsPerPrefix;
        if (spec.IpTargets) return Math.Max(1, (Math.Max(pods + spec.WarmIpTarget, spec.MinimumIpTarget) + n - 1) / n);
        return (pods + n - 1) / n + spec.WarmPrefixTarget;
    }
}
