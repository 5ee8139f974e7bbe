using NetSim.Engine.Addressing;

namespace NetSim.Engine.Nics;

/// <summary>
/// What the PF's driver sets for one VF (ip link set PF vf N mac/vlan/spoofchk/trust/min_tx_rate/max_tx_rate): its MAC,
/// its VLAN (0: none; the embedded switch forwards between VFs of one VLAN only), the anti-spoof filter (on by
/// default in the kernel), trust, and the transmit rate limits in bit/s (0: none).
/// </summary>
public sealed record VfSettings
{
    public MacAddress Mac { get; init; }
    public int Vlan { get; init; }
    public bool SpoofCheck { get; init; } = true;
    public bool Trust { get; init; }
    public long MinTxRateBps { get; init; }
    public long MaxTxRateBps { get; init; }
}
