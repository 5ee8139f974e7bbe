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
/// </summary>
public static class RxChecksum
{
    /// <summary>True when the receiving core verifies the frame's innermost checksum in software (checksum.software per byte).</summary>
    public static bool NeedsSoftware(Packet frame, NicOffloads offloads)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if ((offloads & NicOffloads.RxChecksumComplete) != 0) return false;
        if ((offloads & NicOffloads.Checksum) == 0) return true;
        if (!IsEncapsulated(frame) || IsSealed(frame)) return false;
        if ((offloads & NicOffloads.TunnelRxChecksum) != 0) return false;
        return !HasOuterUdpChecksum(frame);
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
        if (!IsUdpTunnel(frame, out bool zeroChecksum) || !zeroChecksum || zeroChecksumGro) return true;
        return (offloads & (NicOffloads.TunnelRxChecksum | NicOffloads.RxChecksumComplete)) != 0;
    }

    /// <summary>True when the frame's outermost UDP header carries a tunnel (VXLAN, Geneve) and a real checksum.</summary>
    public static bool HasOuterUdpChecksum(Packet frame) => IsUdpTunnel(frame, out bool zero) && !zero;

    /// <summary>A UDP tunnel the NIC can see: a VXLAN or Geneve header right inside the outermost UDP header, not under ciphertext.</summary>
    private static bool IsUdpTunnel(Packet frame, out bool zeroChecksum)
    {
        zeroChecksum = false;
        if (IsSealed(frame)) return false;
        int udp = frame.IndexOfOuter(HeaderKind.Udp);
        if (udp < 1 || frame.Layer(udp - 1).Kind is not (HeaderKind.Vxlan or HeaderKind.Geneve)) return false;
        zeroChecksum = frame.Layer(udp).Udp.ZeroChecksum;
        return true;
    }

    /// <summary>Encapsulated packets (VXLAN, Geneve, IPIP, GRE) carry more than one IPv4 header.</summary>
    private static bool IsEncapsulated(Packet frame) => frame.IndexOfOuter(HeaderKind.Ipv4) != frame.IndexOfInner(HeaderKind.Ipv4);

    /// <summary>
    /// ESP or WireGuard: the inner headers are ciphertext on the wire. The NIC checks only what is outside them;
    /// ESP's plaintext is checked in software after decryption (esp_input sets CHECKSUM_NONE), WireGuard's is taken
    /// as verified (its receive path marks decrypted packets CHECKSUM_UNNECESSARY at every level: Poly1305 authenticated them).
    /// </summary>
    private static bool IsSealed(Packet frame)
    {
        for (int i = 0; i < frame.LayerCount; i++)
            if (frame.Layer(i).Kind is HeaderKind.Esp or HeaderKind.WireGuard) return true;
        return false;
    }
}
