using System.Runtime.CompilerServices;

namespace NetSim.Traffic.Transport;

/// <summary>32-bit TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4; Linux's before()/after()).</summary>
public static class SequenceNumber
{
    /// <summary>a precedes b (a &lt; b modulo 2^32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Before(uint a, uint b) => (int)(a - b) < 0;

    /// <summary>a follows b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool After(uint a, uint b) => (int)(b - a) < 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool BeforeOrEqual(uint a, uint b) => (int)(a - b) <= 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AfterOrEqual(uint a, uint b) => (int)(a - b) >= 0;

    /// <summary>The later of two sequence numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Max(uint a, uint b) => After(a, b) ? a : b;

    /// <summary>The earlier of two sequence numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Min(uint a, uint b) => Before(a, b) ? a : b;

    /// <summary>Bytes from a up to b (b − a), assuming b is not before a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Distance(uint a, uint b) => (int)(b - a);

    /// <summary>a ≤ x &lt; b in sequence space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InRange(uint x, uint a, uint b) => AfterOrEqual(x, a) && Before(x, b);
}
