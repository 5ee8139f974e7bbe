namespace NetSim.Planning.Requirements;

/// <summary>
/// The CNI's address allocation (IPAM) and its parameters: the per-node mask of host-local and Cilium's
/// cluster-pool, Calico's block size, the AWS VPC CNI's ENI limits and the EC2 instance type they are (empty when
/// no type of the limits table has them); and the NetSim datapath a written scenario runs.
/// </summary>
public sealed record CniRules(
    string Ipam,
    int NodeMask,
    int BlockSize,
    int Enis,
    int IpsPerEni,
    bool PrefixDelegation,
    string Datapath,
    string InstanceType = "")
{
    public const string HostLocal = "host-local", Calico = "calico", Cilium = "cilium-cluster-pool", AwsVpc = "aws-vpc";
    public static readonly string[] All = [HostLocal, Calico, Cilium, AwsVpc];
}
