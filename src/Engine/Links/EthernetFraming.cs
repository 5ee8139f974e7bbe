namespace NetSim.Engine.Links;

/// <summary>
/// What a packet costs on an Ethernet wire (IEEE 802.3): the packet plus a 4-byte FCS, padded to the 64-byte
/// minimum frame, plus 8 bytes of preamble/SFD and a 12-byte inter-frame gap.
/// </summary>
public static class EthernetFraming
{
    public const int FcsBytes = 4;
    public const int MinFrameBytes = 64;
    public const int PreambleBytes = 8;
    public const int InterFrameGapBytes = 12;

    /// <summary>Byte times a packet of <paramref name="packetBytes"/> (Ethernet header included, FCS not) occupies on the wire.</summary>
    public static int WireBytes(int packetBytes) =>
        Math.Max(packetBytes + FcsBytes, MinFrameBytes) + PreambleBytes + InterFrameGapBytes;

    /// <summary>
    /// Picoseconds to clock <paramref name="bytes"/> onto a wire of <paramref name="rateBitsPerSecond"/>:
    /// ceil(bytes × 8 × 10^12 / rate). Rounded up so a frame never finishes before physics allows; the error is
    /// under 1 ps per frame and zero for every standard rate from 1 to 200 Gbit/s (10^12 / rate is an integer).
    /// </summary>
    public static long SerializationPs(long bytes, long rateBitsPerSecond)
    {
        long bitPs = checked(bytes * 8 * 1_000_000_000_000L);
        return bitPs / rateBitsPerSecond + (bitPs % rateBitsPerSecond == 0 ? 0 : 1);
    }
}
