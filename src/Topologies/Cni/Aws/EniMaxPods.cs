namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// Max pods per node under the VPC CNI. Secondary-IP mode (misc/eni-max-pods.txt's formula): ENIs × (IPv4 per ENI −
/// 1) + 2 — each ENI's primary address is not given to pods, and two host-network pods (aws-node, kube-proxy) need
/// none. Prefix delegation (misc/max-pods-calculator.sh): each secondary slot holds a /28 prefix of 16 addresses,
/// ENIs × ((IPv4 per ENI − 1) × 16) + 2, and the recommended value is capped at 110 pods for instances with 30 vCPUs
/// or fewer and at 250 above (the script tests CPU_COUNT -gt 30).
/// </summary>
public static class EniMaxPods
{
    public const int IpsPerPrefix = 16;
    public const int HostNetworkPods = 2;
    public const int CeilingLowCpu = 110;
    public const int CeilingHighCpu = 250;
    /// <summary>Above this many vCPUs the higher ceiling applies.</summary>
    public const int HighCpuAbove = 30;

    public static int SecondaryIp(Ec2InstanceType t) => t.EnisForPods * (t.Ipv4PerEni - 1) + HostNetworkPods;

    /// <summary>The addresses prefix delegation gives pods, before the calculator's ceiling.</summary>
    public static int PrefixDelegationMaxAllowed(Ec2InstanceType t) => t.EnisForPods * ((t.Ipv4PerEni - 1) * IpsPerPrefix) + HostNetworkPods;

    /// <summary>max-pods-calculator.sh's recommended value: the mode's formula, capped by the vCPU ceiling.</summary>
    public static int Recommended(Ec2InstanceType t, bool prefixDelegation, int vcpus)
    {
        int max = prefixDelegation && t.IsNitro ? PrefixDelegationMaxAllowed(t) : SecondaryIp(t);
        return Math.Min(max, vcpus > HighCpuAbove ? CeilingHighCpu : CeilingLowCpu);
    }
}
