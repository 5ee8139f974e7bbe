using NetSim.Engine.Addressing;

namespace NetSim.Engine.Packets;

/// <summary>IPv4 header without options: 20 bytes.</summary>
public struct Ipv4Header
{
    public const int Size = 20;
    public const byte ProtocolIcmp = 1;
    public const byte ProtocolIpip = 4;
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;
    public const byte ProtocolGre = 47;
    public const byte ProtocolEsp = 50;
    public const byte ProtocolSctp = 132;
    public const byte DefaultTtl = 64;

    public Ipv4Address Source;
    public Ipv4Address Destination;
    public byte Protocol;
    public byte Ttl;
    /// <summary>Differentiated services code point (6 bits).</summary>
    public byte Dscp;
    public EcnCodepoint Ecn;
    public bool DontFragment;
    public bool MoreFragments;
    public ushort Identification;
    /// <summary>Fragment offset in bytes (a multiple of 8).</summary>
    public ushort FragmentOffset;
}

/// <summary>The two ECN bits of the IPv4 TOS byte (RFC 3168).</summary>
public enum EcnCodepoint : byte
{
    NotEct = 0,
    Ect1 = 1,
    Ect0 = 2,
    CongestionExperienced = 3,
}
