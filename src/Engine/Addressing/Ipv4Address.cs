using System.Globalization;

namespace NetSim.Engine.Addressing;

/// <summary>An IPv4 address held as a host-order 32-bit integer (10.0.0.1 = 0x0A000001).</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>
{
    public static readonly Ipv4Address Any = new(0);
    public static readonly Ipv4Address Broadcast = new(0xFFFFFFFF);

    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IPv4 address");

    public static bool TryParse(string? text, out Ipv4Address address)
    {
        address = Any;
        if (text is null) return false;
        string[] parts = text.Trim().Split('.');
        if (parts.Length != 4) return false;
        uint v = 0;
        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out byte b))
                return false;
            v = (v << 8) | b;
        }
        address = new Ipv4Address(v);
        return true;
    }

    public Ipv4Address Next(uint by = 1) => new(checked(Value + by));
    public bool IsLoopback => (Value >> 24) == 127;
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4Address a, Ipv4Address b) => a.CompareTo(b) < 0;
    public static bool operator >(Ipv4Address a, Ipv4Address b) => a.CompareTo(b) > 0;
    public static bool operator <=(Ipv4Address a, Ipv4Address b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Ipv4Address a, Ipv4Address b) => a.CompareTo(b) >= 0;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}");
}
