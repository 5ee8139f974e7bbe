using System.Net;
using System.Net.Sockets;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// An IPv4 or IPv6 address as a 128-bit number, so IPAM arithmetic (next address, ranges) is the same for both
/// families, as host-local's allocator treats them.
/// </summary>
public readonly record struct IpamAddress(UInt128 Value, bool IsV6) : IComparable<IpamAddress>
{
    public int Bits => IsV6 ? 128 : 32;

    public static IpamAddress Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IP address");

    public static bool TryParse(string? text, out IpamAddress address)
    {
        address = default;
        if (text is null || !IPAddress.TryParse(text.Trim(), out IPAddress? ip)) return false;
        byte[] b = ip.GetAddressBytes();
        UInt128 v = 0;
        foreach (byte x in b) v = (v << 8) | x;
        address = new IpamAddress(v, ip.AddressFamily == AddressFamily.InterNetworkV6);
        return true;
    }

    public IpamAddress Next() => this with { Value = Value + 1 };
    public IpamAddress Previous() => this with { Value = Value - 1 };
    public IpamAddress Plus(UInt128 n) => this with { Value = Value + n };

    public int CompareTo(IpamAddress other) => IsV6 != other.IsV6 ? IsV6.CompareTo(other.IsV6) : Value.CompareTo(other.Value);
    public static bool operator <(IpamAddress a, IpamAddress b) => a.CompareTo(b) < 0;
    public static bool operator >(IpamAddress a, IpamAddress b) => a.CompareTo(b) > 0;
    public static bool operator <=(IpamAddress a, IpamAddress b) => a.CompareTo(b) <= 0;
    public static bool operator >=(IpamAddress a, IpamAddress b) => a.CompareTo(b) >= 0;

    public override string ToString()
    {
        int n = IsV6 ? 16 : 4;
        var bytes = new byte[n];
        UInt128 v = Value;
        for (int i = n - 1; i >= 0; i--) { bytes[i] = (byte)(v & 0xFF); v >>= 8; }
        return new IPAddress(bytes).ToString();
    }
}
