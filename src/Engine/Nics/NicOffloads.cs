namespace NetSim.Engine.Nics;

/// <summary>The offloads a NIC advertises (ethtool -k), which decide what the kernel must do in software.</summary>
[Flags]
public enum NicOffloads
{
    None = 0,
    /// <summary>tx/rx-checksumming: the NIC fills and verifies L4 checksums; without it the CPU computes them per byte.</summary>
    Checksum = 1,
    /// <summary>tcp-segmentation-offload: the NIC cuts a plain TCP super-packet into MSS-sized frames.</summary>
    Tso = 2,
    /// <summary>
    /// tx-udp_tnl-segmentation (and the GRE/IPIP equivalents): the NIC also cuts encapsulated super-packets,
    /// rewriting inner and outer headers. Without it the kernel segments tunnelled packets in software (GSO).
    /// </summary>
    TunnelTso = 4,
    /// <summary>generic-receive-offload: NAPI merges consecutive segments of a flow before the stack sees them.</summary>
    Gro = 8,
    /// <summary>
    /// rx-udp_tunnel-port-offload with inner checksum validation: the NIC parses the tunnel (VXLAN, Geneve on their
    /// registered UDP ports) and reports the inner TCP checksum as verified (CHECKSUM_UNNECESSARY, csum_level 1).
    /// Without it GRO still merges tunnelled segments, but tcp4_gro_receive verifies each inner checksum in
    /// software (__skb_gro_checksum_complete), a pass over every byte.
    /// </summary>
    TunnelRxChecksum = 16,
    /// <summary>
    /// The driver hands up the ones'-complement sum of the whole frame (CHECKSUM_COMPLETE; mlx4, mlx5): any checksum
    /// inside it, a tunnel's inner one too, is checked from that sum and a pass over the headers only.
    /// </summary>
    RxChecksumComplete = 32,
    /// <summary>What a current data-centre NIC (e.g. Intel E810, Mellanox ConnectX-5) offers.</summary>
    All = Checksum | Tso | TunnelTso | Gro | TunnelRxChecksum,
}
