using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// The network between nodes: one switch (a shared L2), or a leaf-spine fabric (racks of nodes under leaf
/// switches, routed over spines with ECMP; nodes in different racks share no L2), or for two nodes that are network
/// namespaces of one machine, a veth pair whose ends are the nodes' eth0 (no NIC, no wire: veth_xmit hands the frame
/// to the peer's netif_rx on the sending core).
/// </summary>
public sealed record FabricSpec(
    string Type,
    long LinkRateBps,
    SimTime Propagation,
    SimTime? SwitchLatency,
    long PortBufferBytes,
    int Racks,
    int Spines,
    long UplinkRateBps,
    decimal Oversubscription)
{
    public const string SingleSwitch = "single-switch";
    public const string LeafSpine = "leaf-spine";
    /// <summary>ip link add eth0 netns node1 type veth peer name eth0 netns node2: exactly two nodes, cabled back to back by a veth pair.</summary>
    public const string VethPair = "veth-pair";
    public bool IsVethPair => Type == VethPair;
    public bool SharedL2 => Type == SingleSwitch || Racks <= 1;
}
