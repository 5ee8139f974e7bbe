using NetSim.Engine.Costs;

namespace NetSim.Engine.Nics;

/// <summary>
/// The Linux NIC drivers a scenario can name (<c>cluster.nic.driver</c>) and the RX interrupt moderation each runs by
/// default, read from its source in torvalds/linux drivers/net/ethernet (profiles/README.md, "Interrupt moderation by
/// driver"). The numbers are the drivers' own constants, not costs.
/// </summary>
public static class NicDrivers
{
    /// <summary>Intel XL710/X710 (40/10 GbE): adaptive ITR on, I40E_ITR_ADAPTIVE_MIN_USECS 2 to MAX_USECS 126 (i40e_txrx.h).</summary>
    public const string I40e = "i40e";
    /// <summary>Intel E810 (100 GbE) on Linux 5.10: ice_update_itr, the i40e algorithm, ICE_ITR_ADAPTIVE_MIN/MAX_USECS 2/126 (ice_txrx.h).</summary>
    public const string Ice = "ice";
    /// <summary>Intel 82599/X540/X550 (10 GbE): adaptive ITR on (rx-usecs 1), IXGBE_ITR_ADAPTIVE_MIN_USECS 10 to MAX 126 (ixgbe.h).</summary>
    public const string Ixgbe = "ixgbe";
    /// <summary>NVIDIA/Mellanox ConnectX-4 and later: rx DIM on, CQE period mode (mlx5e_build_nic_params).</summary>
    public const string Mlx5 = "mlx5";
    /// <summary>virtio-net (KVM guests): no RX coalescing unless the device offers VIRTIO_NET_F_NOTF_COAL and it is set; rx DIM off by default.</summary>
    public const string VirtioNet = "virtio_net";
    /// <summary>AWS ENA: RX interval ENA_INTR_INITIAL_RX_INTERVAL_USECS 0, adaptive moderation disabled by default (ena_com_init_interrupt_moderation).</summary>
    public const string Ena = "ena";

    public static IReadOnlyList<string> Names { get; } = [I40e, Ice, Ixgbe, Mlx5, VirtioNet, Ena];

    /// <summary>The driver's default RX moderation; fixed with no delay for drivers that do not moderate by default.</summary>
    public static InterruptModeration Moderation(string driver) => driver switch
    {
        I40e or Ice => new InterruptModeration { Adaptive = true, Algorithm = ModerationAlgorithm.I40eItr, MinIntervalPs = Us(2), MaxIntervalPs = Us(126) },
        Ixgbe => new InterruptModeration { Adaptive = true, Algorithm = ModerationAlgorithm.IxgbeItr, MinIntervalPs = Us(10), MaxIntervalPs = Us(126) },
        Mlx5 => new InterruptModeration { Adaptive = true, Algorithm = ModerationAlgorithm.NetDim },
        VirtioNet or Ena => InterruptModeration.Fixed,
        _ => throw new ArgumentException($"unknown NIC driver '{driver}' (known: {string.Join(", ", Names)})", nameof(driver)),
    };

    /// <summary>
    /// The driver a VF of this PF's NIC runs in the pod (null: no SR-IOV): iavf for Intel's 700 and 800 series (i40e,
    /// ice; the default NIC is an XL710), ixgbevf for the 82599/X540/X550, mlx5_core's own VF support for ConnectX.
    /// virtio-net and ENA are themselves guest devices with no VFs to hand out.
    /// </summary>
    public static string? VfDriver(string? pfDriver) => pfDriver switch
    {
        null or I40e or Ice => "iavf",
        Ixgbe => "ixgbevf",
        Mlx5 => "mlx5_core",
        _ => null,
    };

    /// <summary>
    /// Whether the PF driver's ndo_set_vf_rate honours a VF's min_tx_rate: mlx5 (the eswitch's QoS bw_share) and ice do;
    /// i40e and ixgbe return EINVAL for any non-zero minimum.
    /// </summary>
    public static bool SupportsVfMinTxRate(string? pfDriver) => pfDriver is Mlx5 or Ice;

    private static long Us(long us) => us * 1_000_000;
}
