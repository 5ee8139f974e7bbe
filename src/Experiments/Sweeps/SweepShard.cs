using System.Globalization;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// One of N disjoint slices of a sweep's points (--shard I/N, I from 0 as a Kubernetes completion index or a Slurm
/// array task id counts): point p belongs to shard p mod N. Dealing the points round-robin keeps the shards even when
/// the cost of a point grows along a parameter (the grid's first parameter varies slowest, so a block of consecutive
/// points would give one shard all the largest). A point's replications are never split: every shard's plan holds
/// all of its points' runs.
/// </summary>
public readonly record struct SweepShard(int Index, int Count)
{
    /// <summary>The whole sweep, as one machine runs it.</summary>
    public static readonly SweepShard Whole = new(0, 1);

    /// <summary>The most shards a sweep may be cut into (a sweep has at most 10,000 points).</summary>
    public const int MaxCount = 10_000;

    public bool IsWhole => Count == 1;

    public bool Owns(int point) => point % Count == Index;

    /// <summary>The points of a sweep of <paramref name="points"/> points that this shard runs, in order.</summary>
    public IEnumerable<int> Points(int points)
    {
        for (int p = Index; p < points; p += Count) yield return p;
    }

    /// <summary>"2/8" as the directory name and messages write it.</summary>
    public override string ToString() => $"{Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads "I/N" (0 ≤ I &lt; N ≤ <see cref="MaxCount"/>); bad input names the command and the option.</summary>
    public static SweepShard Parse(string command, string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= MaxCount && i < n)
            return new SweepShard(i, n);
        throw CommandInputError.Of(command, $"--shard '{text}' is not I/N with 0 ≤ I < N ≤ {MaxCount:N0} (shards count from 0, as a Kubernetes completion index or a Slurm array task id: --shard 0/3, 1/3, 2/3)");
    }
}
