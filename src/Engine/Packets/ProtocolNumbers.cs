namespace NetSim.Engine.Packets;

/// <summary>
/// The numbers that name the next header on the wire (IANA protocol numbers, EtherTypes), derived from the
/// header stack when a header leaves its own field at zero.
/// </summary>
public static class ProtocolNumbers
{
    /// <summary>IPPROTO_ETHERNET (RFC 8986), what ESP's next header names for an Ethernet frame.</summary>
    public const byte IpProtocolEthernet = 143;
    /// <summary>IPPROTO_NONE: nothing follows (ESP carrying only payload).</summary>
    public const byte IpProtocolNone = 59;
    /// <summary>Transparent Ethernet Bridging, the GRE/Geneve protocol type of an Ethernet frame.</summary>
    public const ushort EtherTypeTransparentBridging = 0x6558;

    /// <summary>The IP protocol number of a header carried directly in IPv4 (or ESP), 0 when it has none.</summary>
    public static byte IpProtocolOf(HeaderKind inner) => inner switch
    {
        HeaderKind.Ipv4 => Ipv4Header.ProtocolIpip,
        HeaderKind.Tcp => Ipv4Header.ProtocolTcp,
        HeaderKind.Udp => Ipv4Header.ProtocolUdp,
        HeaderKind.Icmp => Ipv4Header.ProtocolIcmp,
        HeaderKind.Gre => Ipv4Header.ProtocolGre,
        HeaderKind.Esp => Ipv4Header.ProtocolEsp,
        HeaderKind.Sctp => Ipv4Header.ProtocolSctp,
        HeaderKind.Ethernet => IpProtocolEthernet,
        _ => 0,
    };

    /// <summary>The EtherType (or GRE/Geneve protocol type) of a header carried in a frame, 0 when it has none.</summary>
    public static ushort EtherTypeOf(HeaderKind inner) => inner switch
    {
        HeaderKind.Ipv4 => EthernetHeader.EtherTypeIpv4,
        HeaderKind.Ethernet => EtherTypeTransparentBridging,
        _ => 0,
    };
}
