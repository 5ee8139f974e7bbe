namespace NetSim.Planning;

/// <summary>Prefix arithmetic: the longest prefix that holds a number of addresses, and powers of two.</summary>
public static class PrefixMath
{
    /// <summary>Bits needed to count <paramref name="n"/> things (ceil(log2 n)); 0 for n ≤ 1.</summary>
    public static int CeilLog2(ulong n) => n <= 1 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(n - 1);

    /// <summary>The longest IPv4 prefix length whose block holds <paramref name="addresses"/> addresses.</summary>
    public static int LengthFor(ulong addresses) => 32 - CeilLog2(addresses);

    public static ulong Size(int length) => 1UL << (32 - length);
}
