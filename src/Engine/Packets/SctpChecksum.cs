using System.Numerics;

namespace NetSim.Engine.Packets;

/// <summary>
/// SCTP's CRC32c (RFC 9260 §6.8 and Appendix A; Castagnoli polynomial 0x1EDC6F41, reflected, initial value and final
/// XOR all ones) over the whole SCTP packet with the checksum field zero. It goes on the wire least significant byte
/// first, as the RFC's sample code and Linux's sctp_compute_cksum (cpu_to_le32) place it.
/// </summary>
public static class SctpChecksum
{
    /// <summary>The checksum of <paramref name="packet"/>, whose bytes 8..11 (the checksum field) are read as zero.</summary>
    public static uint Compute(ReadOnlySpan<byte> packet)
    {
        uint crc = uint.MaxValue;
        for (int i = 0; i < packet.Length; i++) crc = BitOperations.Crc32C(crc, i is >= 8 and < 12 ? (byte)0 : packet[i]);
        return ~crc;
    }
}
