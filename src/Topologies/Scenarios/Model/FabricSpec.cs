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

    /// <summary>
    /// How long a switch waits before it acts on a fabric port losing light (link debounce, carrier delay): 0 by default,
    /// as on fabric links of Cisco ACI (link-level policy of fabric ports) and Junos (hold-time: no damping unless set).
    /// </summary>
    public SimTime LinkDebounce { get; init; } = SimTime.Zero;

    /// <summary>The fabric's BGP hold time: FRR's "datacenter" defaults (keepalive 3 s, hold time 9 s), as on Cumulus Linux and SONiC.</summary>
    public SimTime BgpHoldTime { get; init; } = DefaultBgpHoldTime;

    public static readonly SimTime DefaultBgpHoldTime = SimTime.FromSeconds(9);

    /// <summary>BFD (RFC 5880/5881) on the fabric's BGP sessions: off unless configured (bgpd's "neighbor X bfd").</summary>
    public bool Bfd { get; init; }

    /// <summary>BFD's transmit and required receive interval on both ends: FRR bfdd's default 300 ms.</summary>
    public SimTime BfdInterval { get; init; } = DefaultBfdInterval;

    public static readonly SimTime DefaultBfdInterval = SimTime.FromMilliseconds(300);

    /// <summary>BFD's detect multiplier: FRR bfdd's default 3.</summary>
    public int BfdMultiplier { get; init; } = DefaultBfdMultiplier;

    public const int DefaultBfdMultiplier = 3;

    /// <summary>
    /// How long a fabric switch takes to find a peer that went silent with its ports still lit: BFD's detection time
    /// (RFC 5880 §6.8.4: the peer's multiplier times the agreed interval) when BFD runs, else the BGP hold time.
    /// </summary>
    public SimTime SilentPeerDetection => Bfd ? BfdInterval * BfdMultiplier : BgpHoldTime;

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
