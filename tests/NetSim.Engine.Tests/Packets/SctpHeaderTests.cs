using System.Buffers.Binary;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

/// <summary>The SCTP INIT packet's size and layout (RFC 9260 §3.1, §3.3.2) and its CRC32c (Appendix A).</summary>
public class SctpHeaderTests
{
    private readonly PacketPool _pool = new();

    [Fact]
    public void Crc32c_gives_the_castagnoli_check_value()
    {
        // The CRC-32/ISCSI (CRC32c) check value of "123456789" (Greg Cook's catalogue of parametrised CRC algorithms).
        // Bytes 8..11 are the checksum field and read as zero, so the check string starts after a 12-byte zero header.
        byte[] data = "123456789"u8.ToArray();
        Assert.Equal(0xE3069283u, Crc32cPlain(data));
        byte[] packet = new byte[12 + 9];
        data.CopyTo(packet, 12);
        uint zeroField = SctpChecksum.Compute(packet);
        Assert.Equal(Crc32cPlain(packet), zeroField);
        packet[8] = 0xFF; // the checksum field counts as zero whatever it holds
        Assert.Equal(zeroField, SctpChecksum.Compute(packet));
    }

    [Fact]
    public void Init_packet_is_20_ip_plus_12_common_plus_20_chunk_and_lays_out_as_rfc_9260()
    {
        Packet p = _pool.Rent();
        ref SctpHeader h = ref p.PushSctp();
        h.SourcePort = 40000;
        h.DestinationPort = 80;
        h.ChunkType = SctpHeader.ChunkInit;
        h.InitiateTag = 0x01020304;
        h.ReceiverWindow = 212992;
        h.OutboundStreams = h.InboundStreams = 10;
        h.InitialTsn = 7;
        TestPackets.PushIp(p, TestPackets.PodA, TestPackets.PodB, Ipv4Header.ProtocolSctp);
        Assert.Equal(52, p.Length);
        byte[] b = TestPackets.Bytes(p);
        Span<byte> s = b.AsSpan(20);
        Assert.Equal(132, b[9]);
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(s));
        Assert.Equal(80, BinaryPrimitives.ReadUInt16BigEndian(s[2..]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(s[4..])); // an INIT's verification tag
        Assert.Equal(1, s[12]);
        Assert.Equal(20, BinaryPrimitives.ReadUInt16BigEndian(s[14..]));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32BigEndian(s[16..]));
        Assert.Equal(212992u, BinaryPrimitives.ReadUInt32BigEndian(s[20..]));
        Assert.Equal(10, BinaryPrimitives.ReadUInt16BigEndian(s[24..]));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(s[28..]));
        // The checksum verifies: recomputed over the packet it is what the field holds (least significant byte first).
        Assert.Equal(SctpChecksum.Compute(s), BinaryPrimitives.ReadUInt32LittleEndian(s[8..]));
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(s[8..]));
    }

    /// <summary>A bitwise CRC32c (reflected polynomial 0x82F63B78), independent of the one under test.</summary>
    private static uint Crc32cPlain(byte[] data)
    {
        uint crc = uint.MaxValue;
        foreach (byte d in data)
        {
            crc ^= d;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }
}
