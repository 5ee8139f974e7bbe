namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// An EC2 instance type's networking limits as the VPC CNI knows them (pkg/vpc instanceNetworkingLimits): how many
/// ENIs the default network card takes, how many IPv4 addresses each ENI holds (its primary included), and whether
/// it runs on Nitro (prefix delegation needs Nitro).
/// </summary>
public sealed record Ec2InstanceType(string Name, int EniLimit, int Ipv4PerEni, int NetworkCards, int DefaultCardMaxEnis, string Hypervisor, bool BareMetal)
{
    /// <summary>ENIs pods can use: only the default network card's (the VPC CNI uses card 0 for pods; eni-max-pods.txt's note).</summary>
    public int EnisForPods => DefaultCardMaxEnis;

    /// <summary>Prefix delegation is supported on Nitro instances only (max-pods-calculator.sh checks the hypervisor).</summary>
    public bool IsNitro => Hypervisor == "nitro";
}
