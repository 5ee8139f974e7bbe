using NetSim.Engine.Addressing;

namespace NetSim.Engine.Packets;

/// <summary>Ethernet II header; 14 bytes, or 18 with an 802.1Q VLAN tag.</summary>
public struct EthernetHeader
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeVlan = 0x8100;
    public const int Size = 14;
    public const int VlanTagSize = 4;

    public MacAddress Destination;
    public MacAddress Source;
    public ushort EtherType;
    /// <summary>802.1Q VLAN id, 0 when untagged.</summary>
    public ushort VlanId;
    /// <summary>The tag's 802.1p priority code point (0-7); meaningful only with a VLAN id.</summary>
    public byte VlanPriority;

    public readonly int Length => VlanId == 0 ? Size : Size + VlanTagSize;
}
