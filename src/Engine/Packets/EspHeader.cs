namespace NetSim.Engine.Packets;

/// <summary>
/// IPsec ESP in tunnel mode with AES-GCM: SPI 4 + sequence 4 + IV 8 before the payload; after it, padding to a
/// 4-byte boundary, pad length 1, next header 1 and a 16-byte ICV.
/// </summary>
public struct EspHeader
{
    public const int HeaderSize = 16;
    public const int IcvSize = 16;
    public uint Spi;
    public uint SequenceNumber;
    /// <summary>Trailer bytes for a protected payload of this many bytes: pad + 2 + ICV.</summary>
    public static int TrailerFor(int payloadBytes) => ((4 - ((payloadBytes + 2) & 3)) & 3) + 2 + IcvSize;
}
