using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Common;

/// <summary>
/// Deterministic hashes (never <c>string.GetHashCode</c>, which is randomised per process): FNV-1a for names and a
/// 32-bit avalanche mix for flow keys, so generated MACs and flow hashes are identical on every run.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="text"/>, continuing from <paramref name="seed"/>.</summary>
    public static ulong Fnv1a(string text, ulong seed = FnvOffset)
    {
        ulong h = seed;
        foreach (char c in text)
        {
            h = (h ^ (byte)c) * FnvPrime;
            h = (h ^ (byte)(c >> 8)) * FnvPrime;
        }
        return h;
    }

    /// <summary>A locally administered MAC for a device, stable across runs: derived from node, namespace and device names.</summary>
    public static MacAddress DeviceMac(int nodeId, string namespaceName, string deviceName)
    {
        ulong h = Fnv1a(deviceName, Fnv1a(namespaceName, FnvOffset ^ (uint)nodeId));
        return MacAddress.LocallyAdministered(h ^ (h >> 40));
    }

    /// <summary>A seed for a default random stream of a named object (used only when the caller passes none).</summary>
    public static int Seed(string name) => (int)(Fnv1a(name) & 0x7FFF_FFFF);

    /// <summary>The murmur3 finaliser: a cheap full-avalanche mix of 32 bits.</summary>
    public static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }

    /// <summary>Combines one more 32-bit value into a running hash.</summary>
    public static uint Combine(uint h, uint v) => Mix(h ^ (v + 0x9E3779B9 + (h << 6) + (h >> 2)));
}
