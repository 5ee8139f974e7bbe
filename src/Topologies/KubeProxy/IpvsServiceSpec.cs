namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// What "ipvsadm -A" and "-a" say about a virtual service, without the state a node's kernel keeps for it (scheduler
/// position, persistence templates, connections): its persistence timeout and its destinations, in kube-proxy's order.
/// </summary>
internal sealed record IpvsServiceSpec(long PersistencePs, IReadOnlyList<ServiceEndpoint> Destinations);
