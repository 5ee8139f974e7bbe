namespace NetSim.Engine.Costs;

/// <summary>
/// How a NIC's RX interrupt rate adapts to its traffic (ethtool -C adaptive-rx on). Off: the interrupt follows the
/// first ready frame after the fixed <c>nic.rx_coalescing</c> delay. Adaptive: the driver's own algorithm, named by
/// <see cref="Algorithm"/>: Intel's dynamic ITR (i40e, ice of Linux 5.10, ixgbe: an interval re-chosen at every
/// interrupt from the packets and bytes the last one handled, between <see cref="MinIntervalPs"/> and
/// <see cref="MaxIntervalPs"/>), or the kernel's net DIM (mlx5: a moderation profile stepped every 64 interrupts
/// towards the one that moves the most bytes per millisecond).
/// </summary>
public sealed record InterruptModeration
{
    /// <summary>Fixed moderation (nic.rx_coalescing): the model before variability.</summary>
    public static InterruptModeration Fixed { get; } = new();

    public bool Adaptive { get; init; }
    /// <summary>Which driver's adaptive algorithm (ignored when not <see cref="Adaptive"/>).</summary>
    public ModerationAlgorithm Algorithm { get; init; } = ModerationAlgorithm.I40eItr;
    /// <summary>The shortest interval between interrupts (I40E_ITR_ADAPTIVE_MIN_USECS: 2 µs).</summary>
    public long MinIntervalPs { get; init; }
    /// <summary>The longest (I40E_ITR_ADAPTIVE_MAX_USECS: 126 µs).</summary>
    public long MaxIntervalPs { get; init; }

    /// <summary>One line for listings: "fixed", "i40e-itr 2-126 us", "net-dim".</summary>
    public override string ToString() => !Adaptive ? "fixed" : Algorithm switch
    {
        ModerationAlgorithm.NetDim => "net-dim (CQE profiles)",
        _ => System.FormattableString.Invariant($"{(Algorithm == ModerationAlgorithm.IxgbeItr ? "ixgbe" : "i40e")}-itr {MinIntervalPs / 1e6}-{MaxIntervalPs / 1e6} us"),
    };
}
