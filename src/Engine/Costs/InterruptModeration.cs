namespace NetSim.Engine.Costs;

/// <summary>
/// How a NIC's RX interrupt rate adapts to its traffic (ethtool -C adaptive-rx on). Off: the interrupt follows the
/// first ready frame after the fixed <c>nic.rx_coalescing</c> delay. Adaptive: the interval between interrupts
/// (the Intel ITR) is re-chosen at every interrupt from the packets and bytes the last one handled, between
/// <see cref="MinIntervalPs"/> and <see cref="MaxIntervalPs"/>, as the i40e/ice drivers' dynamic ITR does: a few
/// small packets (request/response) drive it to the minimum, so an isolated frame interrupts at once; a busy queue
/// (hundreds of frames per interrupt) raises it toward the rate its average frame size calls for.
/// </summary>
public sealed record InterruptModeration
{
    /// <summary>Fixed moderation (nic.rx_coalescing): the model before variability.</summary>
    public static InterruptModeration Fixed { get; } = new();

    public bool Adaptive { get; init; }
    /// <summary>The shortest interval between interrupts (I40E_ITR_ADAPTIVE_MIN_USECS: 2 µs).</summary>
    public long MinIntervalPs { get; init; }
    /// <summary>The longest (I40E_ITR_ADAPTIVE_MAX_USECS: 126 µs).</summary>
    public long MaxIntervalPs { get; init; }
}
