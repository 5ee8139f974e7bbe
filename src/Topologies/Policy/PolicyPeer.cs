namespace NetSim.Topologies.Policy;

/// <summary>
/// One from/to item of a rule. podSelector alone: pods of the policy's own namespace; namespaceSelector alone: every
/// pod of the matching namespaces; both: pods matching podSelector inside matching namespaces (AND); ipBlock alone:
/// addresses in the CIDR and not in except.
/// </summary>
public sealed record PolicyPeer(LabelSelector? PodSelector, LabelSelector? NamespaceSelector, IpBlock? IpBlock);
