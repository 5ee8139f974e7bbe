using System.Globalization;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Namespaces;

/// <summary>An address on an interface with its prefix length, as <c>ip addr</c> shows it: 10.244.1.1/24.</summary>
public readonly record struct InterfaceAddress(Ipv4Address Address, int PrefixLength)
{
    /// <summary>The subnet the address is in (10.244.1.0/24 for 10.244.1.1/24).</summary>
    public Ipv4Prefix Subnet => new(new Ipv4Address(Address.Value & Ipv4Prefix.MaskOf(PrefixLength)), PrefixLength);

    /// <summary>Parses "10.244.1.1/24" (host bits allowed, unlike a route prefix).</summary>
    public static InterfaceAddress Parse(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return new InterfaceAddress(Ipv4Address.Parse(text), 32);
        int len = int.Parse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        if (len > 32) throw new FormatException($"'{text}' has a bad prefix length");
        return new InterfaceAddress(Ipv4Address.Parse(text[..slash]), len);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}
