using System.Runtime.CompilerServices;

namespace NetSim.Engine.Randomness;

/// <summary>
/// Steele, Lea and Flood's SplitMix64: a tiny 64-bit generator whose output function is a strong bit mixer.
/// Used to expand one 64-bit seed into xoshiro state and to derive stream seeds; never for sampling itself.
/// </summary>
internal static class SplitMix64
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    /// <summary>Advances <paramref name="state"/> by the golden gamma and returns the mixed value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        state += GoldenGamma;
        return Mix(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijection on 64-bit words with full avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
