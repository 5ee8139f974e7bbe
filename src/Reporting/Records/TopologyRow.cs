namespace NetSim.Reporting.Records;

/// <summary>
/// One network device of the built cluster (topology.csv): where it is (node, namespace), its name and kind (nic,
/// veth, bridge, vxlan, ...), its address, the bridge it is a port of, and its peer (a veth's other end, as
/// "namespace/device"). Pods are the namespaces other than "host".
/// </summary>
public sealed record TopologyRow(
    string Datapath,
    string Node,
    string Namespace,
    string Device,
    string Kind,
    string Address,
    string Master,
    string Peer);
