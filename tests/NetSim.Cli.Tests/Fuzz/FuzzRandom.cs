namespace NetSim.Cli.Tests.Fuzz;

/// <summary>SplitMix64: the fuzz generator's only source of randomness, so a seed gives the same cases on every machine and .NET version.</summary>
internal sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>0 ≤ result &lt; <paramref name="n"/> (n &gt; 0).</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    public bool Chance(int percent) => Below(100) < percent;
}
