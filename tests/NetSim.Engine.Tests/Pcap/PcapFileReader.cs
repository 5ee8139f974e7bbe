using System.Buffers.Binary;

namespace NetSim.Engine.Tests.Pcap;

/// <summary>Reads back a little-endian classic pcap file, for checking what a PcapWriter produced.</summary>
internal sealed class PcapFileReader
{
    public PcapFileReader(byte[] file)
    {
        ReadOnlySpan<byte> s = file;
        Magic = BinaryPrimitives.ReadUInt32LittleEndian(s);
        VersionMajor = BinaryPrimitives.ReadUInt16LittleEndian(s[4..]);
        VersionMinor = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
        SnapLength = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
        LinkType = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        int at = 24;
        while (at < file.Length)
        {
            uint sec = BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
            uint nsec = BinaryPrimitives.ReadUInt32LittleEndian(s[(at + 4)..]);
            int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(s[(at + 8)..]);
            int original = (int)BinaryPrimitives.ReadUInt32LittleEndian(s[(at + 12)..]);
            Records.Add(new PcapRecord(sec, nsec, original, file[(at + 16)..(at + 16 + captured)]));
            at += 16 + captured;
        }
    }

    public uint Magic { get; }
    public ushort VersionMajor { get; }
    public ushort VersionMinor { get; }
    public uint SnapLength { get; }
    public uint LinkType { get; }
    public List<PcapRecord> Records { get; } = [];
}

/// <summary>One record: timestamp, original length and the captured bytes.</summary>
internal sealed record PcapRecord(uint Seconds, uint Nanoseconds, int OriginalLength, byte[] Data);
