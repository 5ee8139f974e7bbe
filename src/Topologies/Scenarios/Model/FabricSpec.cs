using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// The network between nodes: one switch (a shared L2), or a leaf-spine fabric (racks of nodes under leaf
/// switches, routed over spines with ECMP; nodes in different racks share no L2).
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
    public bool SharedL2 => Type == SingleSwitch || Racks <= 1;
}
