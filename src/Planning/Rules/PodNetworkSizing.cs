namespace NetSim.Planning.Rules;

/// <summary>
/// How big a cluster's pod network must be under its CNI's rules: the pod CIDR's prefix length (none when pods
/// take addresses from the node subnet, as with the AWS VPC CNI, which then sets the node subnet's length), the
/// per-node block, the pods a node can hold, and the capacity rows with their arithmetic.
/// </summary>
public sealed record PodNetworkSizing(
    int? PodCidrLength,
    int PerNodeLength,
    int PodsPerNode,
    int? NodeSubnetLength,
    IReadOnlyList<CapacityRow> Rows,
    IReadOnlyList<string> Notes);
