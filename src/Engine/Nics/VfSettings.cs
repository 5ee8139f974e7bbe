using NetSim.Engine.Addressing;

namespace NetSim.Engine.Nics;

/// <summary>
/// What the PF's driver sets for one VF (ip link set PF vf N mac/vlan/qos/spoofchk/trust/min_tx_rate/max_tx_rate/state):
/// its MAC, its VLAN (0: none; the embedded switch tags its frames to the wire with an 802.1Q header, strips the tag on
/// the way in, and forwards between VFs of one VLAN only) and that tag's priority, the anti-spoof filter (on by default
/// in the kernel), trust, the transmit rate limits in bit/s (0: none), and its link state.
/// </summary>
public sealed record VfSettings
{
    public MacAddress Mac { get; init; }
    public int Vlan { get; init; }
    /// <summary>The 802.1p priority (PCP, 0-7) of the VF's tag; only with a VLAN.</summary>
    public int VlanQos { get; init; }
    public bool SpoofCheck { get; init; } = true;
    public bool Trust { get; init; }
    public long MinTxRateBps { get; init; }
    public long MaxTxRateBps { get; init; }
    public VfLinkState LinkState { get; init; }
}
