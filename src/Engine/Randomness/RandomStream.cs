using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetSim.Engine.Randomness;

/// <summary>
/// One independent random number stream: xoshiro256** (Blackman and Vigna) seeded from a 64-bit seed through
/// SplitMix64. It derives from <see cref="System.Random"/> and overrides every draw, so MathNet.Numerics samplers
/// that take a <see cref="System.Random"/> use this generator. Draws allocate nothing, and the sequence depends
/// only on the seed (same on every machine and .NET version). Not thread-safe: one stream per consumer.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "'random stream' is the simulation term (a named substream of random numbers), not an I/O stream")]
public sealed class RandomStream : System.Random
{
    private const double DoubleUnit = 1.0 / (1UL << 53);
    private const float SingleUnit = 1.0f / (1U << 24);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates the stream for <paramref name="seed"/>; equal seeds give equal sequences.</summary>
    public RandomStream(ulong seed)
    {
        Seed = seed;
        ulong sm = seed;
        _s0 = SplitMix64.Next(ref sm);
        _s1 = SplitMix64.Next(ref sm);
        _s2 = SplitMix64.Next(ref sm);
        _s3 = SplitMix64.Next(ref sm);
        // SplitMix64 is a bijection of distinct counters, so the four words are never all zero.
    }

    /// <summary>A stream with an explicit xoshiro state (not all zero), for checking against reference vectors.</summary>
    internal RandomStream(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** state must not be all zero");
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>The seed this stream was created with (for logs and reproduction).</summary>
    public ulong Seed { get; }

    /// <summary>The next raw 64 bits of xoshiro256**.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), unbiased (Lemire's multiply-and-reject).</summary>
    public ulong NextUInt64(ulong bound)
    {
        if (bound == 0) return 0;
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound; // 2^64 mod bound: the biased low fringe to reject
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

    public override float NextSingle() => (NextUInt64() >> 40) * SingleUnit;

    /// <summary>Same as <see cref="NextDouble"/>; overridden so no code path reaches the base generator.</summary>
    protected override double Sample() => NextDouble();

    /// <summary>A uniform integer in [0, int.MaxValue), as <see cref="System.Random.Next()"/> promises.</summary>
    public override int Next() => (int)NextUInt64(int.MaxValue);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextUInt64((ulong)maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)NextUInt64((ulong)((long)maxValue - minValue)));
    }

    /// <summary>A uniform integer in [0, long.MaxValue).</summary>
    public override long NextInt64() => (long)NextUInt64(long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)NextUInt64((ulong)maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong range = unchecked((ulong)maxValue - (ulong)minValue); // exact even when the span exceeds long.MaxValue
        return unchecked(minValue + (long)NextUInt64(range));
    }

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= sizeof(ulong))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[sizeof(ulong)..];
        }
        if (buffer.IsEmpty) return;
        ulong last = NextUInt64();
        for (int i = 0; i < buffer.Length; i++, last >>= 8) buffer[i] = (byte)last;
    }
}
