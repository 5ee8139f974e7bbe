namespace NetSim.Engine.Packets;

/// <summary>Geneve header (RFC 8926): 8 bytes plus options in 4-byte words.</summary>
public struct GeneveHeader
{
    public const int BaseSize = 8;
    public const ushort ProtocolTransparentEthernet = 0x6558;
    public uint Vni;
    /// <summary>Length of options in 4-byte words (0..63).</summary>
    public byte OptionWords;
    public ushort ProtocolType;
    public readonly int Length => BaseSize + 4 * OptionWords;
}
