namespace NetSim.Engine.Packets;

/// <summary>UDP header: 8 bytes.</summary>
public struct UdpHeader
{
    public const int Size = 8;
    public ushort SourcePort;
    public ushort DestinationPort;
}
