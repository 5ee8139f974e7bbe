using NetSim.Engine.Randomness;

namespace NetSim.Engine.Tests;

public class RandomStreamTests
{
    [Fact]
    public void Generator_matches_the_xoshiro256starstar_reference_vector()
    {
        // Reference implementation (Blackman & Vigna) with state {1, 2, 3, 4}.
        var rng = new RandomStream(1, 2, 3, 4);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600];
        Assert.Equal(expected, expected.Select(_ => rng.NextUInt64()));
    }

    [Fact]
    public void Seeding_expands_the_seed_with_splitmix64()
    {
        // xoshiro state = the first four SplitMix64 outputs for seed 42; these are the first outputs then.
        var rng = new RandomStream(42);
        Assert.Equal(1546998764402558742UL, rng.NextUInt64());
        Assert.Equal(6990951692964543102UL, rng.NextUInt64());
        Assert.Equal(12544586762248559009UL, rng.NextUInt64());
    }

    [Fact]
    public void Stream_seeds_are_pinned_so_results_reproduce_across_processes_and_versions()
    {
        // If this changes, every recorded result and fingerprint changes: do it only on purpose.
        // Values from an independent implementation of the same hash (SplitMix64 over the UTF-8 bytes).
        Assert.Equal(16732718425593809621UL, RandomStreams.SeedFor(1, "arrivals"));
        Assert.Equal(17221408428534587115UL, RandomStreams.SeedFor(1, "flöw")); // non-ASCII: hashed as UTF-8
    }

    [Fact]
    public void Adding_a_stream_does_not_change_another_streams_numbers()
    {
        var alone = new RandomStreams(7);
        double[] expected = Draw(alone.Get("flow-1"), 100);

        var crowded = new RandomStreams(7);
        Draw(crowded.Get("flow-0"), 1000); // a new stream, created first and drawn from
        Draw(crowded.Get("ecmp"), 10);
        Assert.Equal(expected, Draw(crowded.Get("flow-1"), 100));
    }

    [Fact]
    public void Different_names_and_different_master_seeds_give_different_streams()
    {
        var streams = new RandomStreams(7);
        double[] a = Draw(streams.Get("flow-1"), 10);
        Assert.NotEqual(a, Draw(streams.Get("flow-2"), 10));
        Assert.NotEqual(a, Draw(new RandomStreams(8).Get("flow-1"), 10));
        Assert.NotEqual(RandomStreams.SeedFor(7, "ab"), RandomStreams.SeedFor(7, "ba"));
    }

    [Fact]
    public void The_same_name_returns_the_same_stream_object()
    {
        var streams = new RandomStreams(7);
        Assert.Same(streams.Get("x"), streams.Get("x"));
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_are_roughly_uniform()
    {
        var rng = new RandomStream(3);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            int k = rng.Next(10);
            Assert.InRange(k, 0, 9);
            counts[k]++;
        }
        // χ² with 9 degrees of freedom; 27.9 is the 0.1 % critical value.
        double chi2 = counts.Sum(c => (c - 10_000.0) * (c - 10_000.0) / 10_000.0);
        Assert.True(chi2 < 27.9, $"chi-square {chi2}");

        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.Next(-5, 5), -5, 4);
            Assert.InRange(rng.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue - 1);
            Assert.InRange(rng.NextDouble(), 0.0, Math.BitDecrement(1.0));
            Assert.InRange(rng.Next(), 0, int.MaxValue - 1);
        }
        Assert.Equal(0, rng.Next(0));
        Assert.Equal(7, rng.Next(7, 7));
    }

    [Fact]
    public void NextBytes_fills_every_byte_from_the_stream()
    {
        var a = new RandomStream(11);
        var b = new RandomStream(11);
        var bytes = new byte[13];
        a.NextBytes(bytes);
        ulong first = b.NextUInt64();
        Assert.Equal(BitConverter.GetBytes(first), bytes[..8]); // little-endian on every supported platform
        Assert.Contains(bytes[8..], x => x != 0);
    }

    [Fact]
    public void Mean_of_uniform_draws_is_one_half()
    {
        var rng = new RandomStream(5);
        double sum = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++) sum += rng.NextDouble();
        Assert.InRange(sum / n, 0.5 - 0.003, 0.5 + 0.003); // ≈ 4.6 standard errors
    }

    private static double[] Draw(RandomStream rng, int n)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = rng.NextDouble();
        return values;
    }
}
