namespace NetSim.Engine.Packets;

/// <summary>
/// An SCTP packet's common header (RFC 9260 §3.1: source port, destination port, verification tag, CRC32c checksum;
/// 12 bytes) and its one control chunk's fixed part: an INIT or INIT ACK (§3.3.2, §3.3.3: chunk type, flags and
/// length, then initiate tag, a_rwnd, outbound and inbound stream counts and initial TSN; 20 bytes). Variable-length
/// parameters (the INIT ACK's State Cookie) are carried as payload bytes. Only association setup is modelled.
/// </summary>
public struct SctpHeader
{
    public const int CommonHeaderSize = 12;
    public const int InitChunkSize = 20;
    public const int Size = CommonHeaderSize + InitChunkSize;
    /// <summary>Chunk types (RFC 9260 §3.2).</summary>
    public const byte ChunkInit = 1, ChunkInitAck = 2, ChunkAbort = 6;

    public ushort SourcePort;
    public ushort DestinationPort;
    /// <summary>The receiver's initiate tag; 0 in an INIT (§8.5.1).</summary>
    public uint VerificationTag;
    public byte ChunkType;
    public byte ChunkFlags;
    /// <summary>The sender's own tag, which the peer must put in the verification tag of everything it sends back.</summary>
    public uint InitiateTag;
    /// <summary>Advertised receiver window credit.</summary>
    public uint ReceiverWindow;
    public ushort OutboundStreams;
    public ushort InboundStreams;
    public uint InitialTsn;
}
