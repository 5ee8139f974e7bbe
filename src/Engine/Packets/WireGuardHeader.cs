namespace NetSim.Engine.Packets;

/// <summary>WireGuard transport data message: 16-byte header (type, receiver index, counter) and a 16-byte tag.</summary>
public struct WireGuardHeader
{
    public const int HeaderSize = 16;
    public const int TagSize = 16;
    public uint ReceiverIndex;
    public ulong Counter;
}
