using System.Buffers.Binary;
using NetSim.Engine.Addressing;

namespace NetSim.Engine.Packets;

/// <summary>
/// The Internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of 16-bit big-endian words.
/// Sums are kept folded to 16 bits between calls, so a checksum can be built from pieces (pseudo-header, header,
/// payload); only the last piece may have an odd length.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words (an odd last byte is padded with zero).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        int i = 0;
        // 2^16 = 1 (mod 0xFFFF), so summing 32-bit words and folding later gives the same 16-bit sum.
        for (; i + 4 <= data.Length; i += 4) acc += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        if (i + 2 <= data.Length)
        {
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            i += 2;
        }
        if (i < data.Length) acc += (uint)data[i] << 8;
        return Fold(acc);
    }

    /// <summary>Adds one 16-bit word.</summary>
    public static uint AddWord(uint sum, ushort word) => Fold((ulong)sum + word);

    /// <summary>The IPv4 pseudo-header sum for TCP/UDP (RFC 793/768): source, destination, protocol, L4 length.</summary>
    public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, byte protocol, int l4Length) =>
        Fold((ulong)(source.Value >> 16) + (source.Value & 0xFFFF) + (destination.Value >> 16) + (destination.Value & 0xFFFF) +
             protocol + (uint)(l4Length >> 16) + (uint)(l4Length & 0xFFFF));

    /// <summary>The checksum field value for a finished sum: its ones'-complement.</summary>
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>True when <paramref name="data"/> (checksum field included) sums to 0xFFFF, as a receiver verifies.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) => Add(0, data) == 0xFFFF;

    /// <summary>Folds carries back in (end-around carry) until the sum fits in 16 bits.</summary>
    public static uint Fold(ulong sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (uint)sum;
    }
}
