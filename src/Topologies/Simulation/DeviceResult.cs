namespace NetSim.Topologies.Simulation;

/// <summary>
/// One network device of the built cluster: its node and namespace ("host" or the pod's), name, kind (nic, veth,
/// bridge, vxlan, ...), first address, the bridge it is a port of, and a veth's peer as "namespace/device".
/// </summary>
public sealed record DeviceResult(string Node, string Namespace, string Device, string Kind, string Address, string Master, string Peer);
