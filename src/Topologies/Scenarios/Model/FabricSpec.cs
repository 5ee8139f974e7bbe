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

    public const string EcmpModulo = "modulo";
    public const string EcmpResilient = "resilient";

    /// <summary>Leaf-spine: how the switches spread flows over equal-cost uplinks (modulo, the ASICs' default, or resilient).</summary>
    public string Ecmp { get; init; } = EcmpModulo;

    /// <summary>Resilient hashing: buckets per ECMP group (Cumulus Linux's default 128; 64 to 1024).</summary>
    public int EcmpBuckets { get; init; } = DefaultEcmpBuckets;

    public const int DefaultEcmpBuckets = 128;

    /// <summary>The fabric's switches by name: "switch" on one switch, leaf1..leafR and spine1..spineS in a leaf-spine fabric, none on a veth pair.</summary>
    public IEnumerable<string> SwitchNames => Type switch
    {
        SingleSwitch => ["switch"],
        LeafSpine => Enumerable.Range(1, Racks).Select(r => $"leaf{r}").Concat(Enumerable.Range(1, Spines).Select(s => $"spine{s}")),
        _ => [],
    };

    /// <summary>The leaf (leaf-spine) a node of rack <paramref name="rack"/> is cabled to.</summary>
    public string LeafOf(int rack) => $"leaf{rack % Racks + 1}";
}
