namespace NetSim.Engine.Packets;

/// <summary>GRE header without key or sequence number: 4 bytes.</summary>
public struct GreHeader
{
    public const int Size = 4;
    public ushort ProtocolType;
}
