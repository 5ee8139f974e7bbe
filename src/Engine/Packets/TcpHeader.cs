namespace NetSim.Engine.Packets;

/// <summary>
/// TCP header: 20 bytes plus options. Options are modelled as fields; <see cref="Length"/> gives the exact size
/// Linux would send (each option with its kind/length bytes, NOP-padded to a multiple of 4).
/// </summary>
public struct TcpHeader
{
    public const int BaseSize = 20;
    public const int MaxSackBlocks = 4;

    public ushort SourcePort;
    public ushort DestinationPort;
    public uint SequenceNumber;
    public uint AcknowledgmentNumber;
    public TcpFlags Flags;
    /// <summary>Advertised window as carried on the wire (before scaling).</summary>
    public ushort Window;
    /// <summary>MSS option value; 0 when absent (SYN only).</summary>
    public ushort MaxSegmentSize;
    /// <summary>Window-scale shift; meaningful when <see cref="HasWindowScale"/>.</summary>
    public byte WindowScale;
    public bool HasWindowScale;
    public bool SackPermitted;
    public bool HasTimestamps;
    public uint TimestampValue;
    public uint TimestampEcho;
    public byte SackBlockCount;
    public SackBlocks Sack;

    /// <summary>Bytes of options before padding: MSS 4, window scale 3, SACK-permitted 2, timestamps 10, SACK 2+8n.</summary>
    public readonly int OptionBytes =>
        (MaxSegmentSize != 0 ? 4 : 0) + (HasWindowScale ? 3 : 0) + (SackPermitted ? 2 : 0) +
        (HasTimestamps ? 10 : 0) + (SackBlockCount > 0 ? 2 + 8 * SackBlockCount : 0);

    /// <summary>Header length including options, padded to 4 bytes (at most 60).</summary>
    public readonly int Length => BaseSize + ((OptionBytes + 3) & ~3);

    public readonly bool Has(TcpFlags f) => (Flags & f) == f;
}
