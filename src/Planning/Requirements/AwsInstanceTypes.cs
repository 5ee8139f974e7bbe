using NetSim.Topologies.Cni.Aws;

namespace NetSim.Planning.Requirements;

/// <summary>
/// ENI limits given as numbers, matched against the VPC CNI's limits table: the instance type a written scenario runs
/// (the datapath uses a type's ENIs, IPv4 per ENI and hypervisor only, so any type with those gives the same run).
/// </summary>
public static class AwsInstanceTypes
{
    /// <summary>
    /// The first type (Nitro first, then by name) with exactly these ENIs and IPv4 per ENI, Nitro when prefix
    /// delegation is on; null when none.
    /// </summary>
    public static Ec2InstanceType? Matching(int enis, int ipsPerEni, bool prefixDelegation) =>
        Ec2InstanceTypes.All.Values.Where(t => t.EnisForPods == enis && t.Ipv4PerEni == ipsPerEni && (t.IsNitro || !prefixDelegation))
            .OrderBy(t => t.IsNitro ? 0 : 1).FirstOrDefault();

    /// <summary>Prefix delegation can be turned on: the instance type, if known, runs on Nitro.</summary>
    public static bool PrefixDelegationPossible(CniRules cni)
    {
        ArgumentNullException.ThrowIfNull(cni);
        return cni.InstanceType.Length == 0 || Ec2InstanceTypes.All[cni.InstanceType].IsNitro;
    }

    /// <summary>The type with the fewest addresses (ENIs × IPv4 per ENI) that has at least these limits; null when none.</summary>
    public static Ec2InstanceType? SmallestHolding(int enis, int ipsPerEni, bool prefixDelegation) =>
        Ec2InstanceTypes.All.Values.Where(t => t.EnisForPods >= enis && t.Ipv4PerEni >= ipsPerEni && (t.IsNitro || !prefixDelegation))
            .OrderBy(t => t.EnisForPods * t.Ipv4PerEni).FirstOrDefault();

    /// <summary>Why no scenario is written for these limits, with the type that would hold them.</summary>
    public static string NoMatch(CniRules cni)
    {
        ArgumentNullException.ThrowIfNull(cni);
        string what = $"no instance type in the VPC CNI's limits table has {cni.Enis} ENIs × {cni.IpsPerEni} IPv4{(cni.PrefixDelegation ? " on Nitro" : "")}";
        return SmallestHolding(cni.Enis, cni.IpsPerEni, cni.PrefixDelegation) is { } t
            ? $"{what} (the smallest with at least that many is {t.Name}, {t.EnisForPods} × {t.Ipv4PerEni}: give cni.instance_type)"
            : $"{what}, nor more (give cni.instance_type)";
    }
}
