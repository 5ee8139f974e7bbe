using System.Globalization;

namespace NetSim.Engine.Addressing;

/// <summary>A 48-bit Ethernet MAC address held in the low bits of a 64-bit integer.</summary>
public readonly record struct MacAddress(ulong Value)
{
    public static readonly MacAddress Zero = new(0);
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);

    /// <summary>A locally administered unicast address (02:xx:...) made from a 40-bit number, for generated devices.</summary>
    public static MacAddress LocallyAdministered(ulong id) => new(0x02_00_0000_0000UL | (id & 0xFF_FFFF_FFFFUL));

    public bool IsBroadcast => Value == Broadcast.Value;
    public bool IsMulticast => ((Value >> 40) & 1) == 1;

    public override string ToString()
    {
        ulong v = Value;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(v >> 40) & 0xFF:x2}:{(v >> 32) & 0xFF:x2}:{(v >> 24) & 0xFF:x2}:{(v >> 16) & 0xFF:x2}:{(v >> 8) & 0xFF:x2}:{v & 0xFF:x2}");
    }
}
