using System.Globalization;

namespace NetSim.Topologies.Ipam;

/// <summary>An IPv4 or IPv6 network in CIDR form, for IPAM.</summary>
public readonly record struct IpamSubnet(IpamAddress Network, int PrefixLength)
{
    public int Bits => Network.Bits;
    public UInt128 HostMask => PrefixLength >= Bits ? UInt128.Zero : (UInt128.One << (Bits - PrefixLength)) - 1;
    public IpamAddress Last => Network with { Value = Network.Value | HostMask };

    public bool Contains(IpamAddress a) => a.IsV6 == Network.IsV6 && (a.Value & ~HostMask) == Network.Value;

    public bool Overlaps(IpamSubnet other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>Parses CIDR text without canonicalising (host bits may be set; <see cref="HasHostBits"/> says so).</summary>
    public static bool TryParseRaw(string? text, out IpamAddress address, out int prefix)
    {
        address = default;
        prefix = 0;
        if (text is null) return false;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IpamAddress.TryParse(text[..slash], out address)) return false;
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= address.Bits;
    }

    public static IpamSubnet Parse(string text)
    {
        if (!TryParseRaw(text, out var a, out int p)) throw new FormatException($"'{text}' is not a CIDR");
        var s = new IpamSubnet(a, p);
        if (s.HasHostBits) throw new FormatException($"'{text}' has host bits set");
        return s;
    }

    public bool HasHostBits => (Network.Value & HostMask) != 0;
    public IpamSubnet Masked => this with { Network = Network with { Value = Network.Value & ~HostMask } };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{PrefixLength}");
}
