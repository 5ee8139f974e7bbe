namespace NetSim.Engine.Packets;

/// <summary>
/// TCP header: 20 bytes plus options. Options are modelled as fields; <see cref="Length"/> gives the exact size
/// Linux sends, with each option NOP-aligned the way tcp_options_write lays it out.
/// </summary>
public struct TcpHeader
{
    public const int BaseSize = 20;
    public const int MaxSackBlocks = 4;
    /// <summary>Option space in a TCP header (MAX_TCP_OPTION_SPACE): 60 - 20 bytes.</summary>
    public const int MaxOptionSpace = 40;

    /// <summary>Aligned option sizes as Linux writes them (TCPOLEN_*_ALIGNED).</summary>
    public const int MssAligned = 4, TimestampAligned = 12, SackPermAligned = 4, WindowScaleAligned = 4, SackBaseAligned = 4, SackPerBlock = 8;

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

    /// <summary>
    /// Bytes of options as Linux lays them out: MSS 4; timestamps 12 (SACK-permitted rides in the timestamps'
    /// two NOPs on a SYN), else SACK-permitted alone 4; window scale 4; SACK 4 + 8 per block.
    /// </summary>
    public readonly int OptionBytes
    {
        get
        {
            int fixedOptions = FixedOptionBytes;
            int blocks = SackBlocksOnWire;
            return fixedOptions + (blocks > 0 ? SackBaseAligned + SackPerBlock * blocks : 0);
        }
    }

    /// <summary>
    /// SACK blocks that fit beside the other options (tcp_established_options caps them to the space left):
    /// at most 3 with timestamps, 4 without.
    /// </summary>
    public readonly int SackBlocksOnWire
    {
        get
        {
            if (SackBlockCount == 0) return 0;
            int room = (MaxOptionSpace - FixedOptionBytes - SackBaseAligned) / SackPerBlock;
            return Math.Max(0, Math.Min(Math.Min((int)SackBlockCount, MaxSackBlocks), room));
        }
    }

    /// <summary>Header length including options (at most 60), a multiple of 4.</summary>
    public readonly int Length => BaseSize + OptionBytes;

    public readonly bool Has(TcpFlags f) => (Flags & f) == f;

    private readonly int FixedOptionBytes =>
        (MaxSegmentSize != 0 ? MssAligned : 0) +
        (HasTimestamps ? TimestampAligned : SackPermitted ? SackPermAligned : 0) +
        (HasWindowScale ? WindowScaleAligned : 0);
}
