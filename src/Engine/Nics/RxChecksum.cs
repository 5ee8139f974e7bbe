using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// What the kernel knows of a received frame's checksums from what its NIC verified (skb->ip_summed, csum_level), and
/// so what the receiving core must still verify in software. A NIC with rx checksumming verifies the outermost L4
/// checksum (CHECKSUM_UNNECESSARY, level 0); one that parses the tunnel verifies the inner one too (level 1,
/// <see cref="NicOffloads.TunnelRxChecksum"/>); one that hands up CHECKSUM_COMPLETE covers every checksum in the frame.
/// A verified non-zero outer UDP checksum lets GRO convert the frame to CHECKSUM_COMPLETE (udp4_gro_receive:
/// skb_gro_checksum_try_convert), so a UDP tunnel's inner checksum costs nothing more; a zero one (RFC 768: none sent)
/// leaves the inner checksum to software, a pass over every byte (__skb_gro_checksum_complete or tcp_checksum_complete).
/// Under ESP or WireGuard the inner headers are ciphertext on the wire: the NIC checks only what is outside them; ESP's
/// plaintext is checked in software after decryption (esp_input sets CHECKSUM_NONE), WireGuard's is taken as verified
/// (its receive path marks decrypted packets CHECKSUM_UNNECESSARY at every level: Poly1305 authenticated them).
/// </summary>
public static class RxChecksum
{
    /// <summary>True when the receiving core verifies the frame's innermost checksum in software (checksum.software per byte).</summary>
    public static bool NeedsSoftware(Packet frame, NicOffloads offloads)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return NeedsSoftware(FrameLayers.Of(frame), offloads);
    }

    /// <summary>As <see cref="NeedsSoftware(Packet, NicOffloads)"/>, for a frame whose layers were already read.</summary>
    internal static bool NeedsSoftware(in FrameLayers frame, NicOffloads offloads)
    {
        if ((offloads & NicOffloads.RxChecksumComplete) != 0) return false;
        if ((offloads & NicOffloads.Checksum) == 0) return true;
        if (!frame.Encapsulated || frame.Sealed) return false;
        if ((offloads & NicOffloads.TunnelRxChecksum) != 0) return false;
        return !(frame.UdpTunnel && !frame.ZeroChecksum);
    }

    /// <summary>
    /// udp_gro_receive's test before it hands a UDP-tunnel frame to the tunnel's gro_receive: the frame's checksum state
    /// must be known (a verified outer checksum, or CHECKSUM_COMPLETE), or, where the kernel has the 2021 fix
    /// (<paramref name="zeroChecksumGro"/>), its outer checksum zero. A frame refused here is not merged by the NIC's
    /// GRO; it goes up alone and its inner segments are merged after decapsulation, in the tunnel device's gro_cells.
    /// Frames that are not UDP tunnels are always allowed.
    /// </summary>
    public static bool TunnelGroAllowed(Packet frame, NicOffloads offloads, bool zeroChecksumGro)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return TunnelGroAllowed(FrameLayers.Of(frame), offloads, zeroChecksumGro);
    }

    /// <summary>As <see cref="TunnelGroAllowed(Packet, NicOffloads, bool)"/>, for a frame whose layers were already read.</summary>
    internal static bool TunnelGroAllowed(in FrameLayers frame, NicOffloads offloads, bool zeroChecksumGro)
    {
        if (!frame.UdpTunnel || !frame.ZeroChecksum || zeroChecksumGro) return true;
        return (offloads & (NicOffloads.TunnelRxChecksum | NicOffloads.RxChecksumComplete)) != 0;
    }

    /// <summary>True when the frame's outermost UDP header carries a tunnel (VXLAN, Geneve) and a real checksum.</summary>
    public static bool HasOuterUdpChecksum(Packet frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        FrameLayers layers = FrameLayers.Of(frame);
        return layers.UdpTunnel && !layers.ZeroChecksum;
    }
}
