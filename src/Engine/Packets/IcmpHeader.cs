namespace NetSim.Engine.Packets;

/// <summary>ICMP header (echo request/reply, destination unreachable, time exceeded): 8 bytes.</summary>
public struct IcmpHeader
{
    public const int Size = 8;
    public const byte EchoReply = 0;
    public const byte DestinationUnreachable = 3;
    public const byte EchoRequest = 8;
    public const byte TimeExceeded = 11;
    /// <summary>Destination-unreachable codes used by the datapath.</summary>
    public const byte CodeNetUnreachable = 0, CodeHostUnreachable = 1, CodePortUnreachable = 3, CodeFragmentationNeeded = 4, CodeAdminProhibited = 13;

    public byte Type;
    public byte Code;
    public ushort Identifier;
    public ushort SequenceNumber;
    /// <summary>Next-hop MTU for "fragmentation needed".</summary>
    public ushort NextHopMtu;
}
