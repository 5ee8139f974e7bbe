using System.Text;

namespace NetSim.Engine.Randomness;

/// <summary>
/// The random streams of one run: a master (scenario) seed gives each named consumer ("arrivals/flow-3",
/// "ecmp/leaf-1") its own <see cref="RandomStream"/>. A stream's seed is a stable hash of (master seed, name),
/// so it does not depend on which other streams exist or in what order they were created: adding a flow does
/// not change the numbers any other flow draws. Asking twice for the same name returns the same stream object.
/// </summary>
public sealed class RandomStreams
{
    private readonly Dictionary<string, RandomStream> _streams = new(StringComparer.Ordinal);

    public RandomStreams(ulong masterSeed) => MasterSeed = masterSeed;

    public ulong MasterSeed { get; }

    /// <summary>The stream called <paramref name="name"/>, created on first use.</summary>
    public RandomStream Get(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_streams.TryGetValue(name, out RandomStream? stream))
        {
            stream = new RandomStream(SeedFor(MasterSeed, name));
            _streams.Add(name, stream);
        }
        return stream;
    }

    /// <summary>
    /// The seed of stream <paramref name="name"/> under <paramref name="masterSeed"/>: SplitMix64 absorbing the
    /// name's UTF-8 bytes, then the byte count. Pure and process-independent (unlike string.GetHashCode).
    /// </summary>
    public static ulong SeedFor(ulong masterSeed, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong h = SplitMix64.Mix(masterSeed ^ 0x6A09E667F3BCC908UL); // domain constant: stream seeds differ from the master
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        foreach (byte b in bytes) h = SplitMix64.Mix(h + 0x9E3779B97F4A7C15UL + b);
        return SplitMix64.Mix(h ^ (ulong)bytes.Length); // length last: the usual strengthening of a byte-wise hash
    }
}
