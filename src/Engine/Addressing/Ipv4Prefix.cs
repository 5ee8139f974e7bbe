using System.Globalization;

namespace NetSim.Engine.Addressing;

/// <summary>An IPv4 network in CIDR form, e.g. 10.244.1.0/24. The network address has no host bits set.</summary>
public readonly record struct Ipv4Prefix : IComparable<Ipv4Prefix>
{
    public Ipv4Address Network { get; }
    public int Length { get; }

    public Ipv4Prefix(Ipv4Address network, int length)
    {
        if (length is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(length), length, "prefix length must be 0..32");
        if ((network.Value & ~MaskOf(length)) != 0)
            throw new ArgumentException($"{network}/{length} has host bits set; the network address is {new Ipv4Address(network.Value & MaskOf(length))}");
        Network = network;
        Length = length;
    }

    public uint Mask => MaskOf(Length);
    public static uint MaskOf(int length) => length == 0 ? 0u : uint.MaxValue << (32 - length);
    public ulong Size => 1UL << (32 - Length);
    public Ipv4Address First => Network;
    public Ipv4Address Last => new(Network.Value | ~Mask);
    public Ipv4Address Broadcast => Last;

    public bool Contains(Ipv4Address a) => (a.Value & Mask) == Network.Value;
    public bool Contains(Ipv4Prefix other) => other.Length >= Length && Contains(other.Network);
    public bool Overlaps(Ipv4Prefix other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>The i-th address of the prefix (0 = the network address).</summary>
    public Ipv4Address Address(ulong index) =>
        index < Size ? new Ipv4Address((uint)(Network.Value + index)) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The i-th sub-prefix of the given (longer) length, e.g. the 3rd /24 of 10.244.0.0/16.</summary>
    public Ipv4Prefix Subnet(int length, ulong index)
    {
        if (length < Length || length > 32) throw new ArgumentOutOfRangeException(nameof(length));
        ulong count = 1UL << (length - Length);
        if (index >= count) throw new ArgumentOutOfRangeException(nameof(index), $"{this} has only {count} /{length} subnets");
        return new Ipv4Prefix(new Ipv4Address((uint)(Network.Value + (index << (32 - length)))), length);
    }

    public static Ipv4Prefix Parse(string text) =>
        TryParse(text, out var p, out string error) ? p : throw new FormatException(error);

    public static bool TryParse(string? text, out Ipv4Prefix prefix, out string error)
    {
        prefix = default;
        error = "";
        if (text is null) { error = "empty CIDR"; return false; }
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) { error = $"'{text}' is not in CIDR form a.b.c.d/len"; return false; }
        if (!Ipv4Address.TryParse(text[..slash], out var net)) { error = $"'{text}' does not start with an IPv4 address"; return false; }
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int len) || len > 32)
        { error = $"'{text}' has a bad prefix length"; return false; }
        if ((net.Value & ~MaskOf(len)) != 0)
        {
            error = $"'{text}' has host bits set; for a /{len} the network address is {new Ipv4Address(net.Value & MaskOf(len))}";
            return false;
        }
        prefix = new Ipv4Prefix(net, len);
        return true;
    }

    public int CompareTo(Ipv4Prefix other)
    {
        int c = Network.CompareTo(other.Network);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public static bool operator <(Ipv4Prefix a, Ipv4Prefix b) => a.CompareTo(b) < 0;
    public static bool operator >(Ipv4Prefix a, Ipv4Prefix b) => a.CompareTo(b) > 0;
    public static bool operator <=(Ipv4Prefix a, Ipv4Prefix b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Ipv4Prefix a, Ipv4Prefix b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{Length}");
}
