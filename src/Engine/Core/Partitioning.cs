namespace NetSim.Engine.Core;

/// <summary>
/// How a run is split across threads: which partition runs each node's events, and the lookahead, the least time
/// between an event in one partition and any event it causes in another (on a cluster, the smallest propagation
/// plus minimum-frame serialization of a link whose ends are in different partitions). Given the crossings themselves
/// (<see cref="IPartitionCrossing"/>), each window is as long as their state allows instead (a dynamic lookahead).
/// </summary>
public sealed class Partitioning
{
    [ThreadStatic] private static int t_index;

    private readonly int[] _partitionOfNode;
    private readonly IPartitionCrossing[][]? _crossingsFrom; // by source partition; null: only the static lookahead

    /// <param name="partitionOfNode">The partition of each node id (0 .. count-1).</param>
    /// <param name="crossings">
    /// Every way events cross between partitions, with the partition whose events use it; null when only the static
    /// <paramref name="lookaheadPs"/> is known. Missing one is caught when it is used (the engine checks every event).
    /// </param>
    public Partitioning(IReadOnlyList<int> partitionOfNode, int count, long lookaheadPs,
        IReadOnlyList<(int From, IPartitionCrossing Crossing)>? crossings = null)
    {
        ArgumentNullException.ThrowIfNull(partitionOfNode);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookaheadPs, 1L);
        _partitionOfNode = new int[partitionOfNode.Count];
        for (int i = 0; i < _partitionOfNode.Length; i++)
        {
            int p = partitionOfNode[i];
            if ((uint)p >= (uint)count) throw new ArgumentException($"node {i} is put in partition {p}, there are {count}", nameof(partitionOfNode));
            _partitionOfNode[i] = p;
        }
        Count = count;
        LookaheadPs = lookaheadPs;
        if (crossings is null) return;
        foreach (var (from, _) in crossings)
            if ((uint)from >= (uint)count) throw new ArgumentException($"a crossing leaves partition {from}, there are {count}", nameof(crossings));
        _crossingsFrom = new IPartitionCrossing[count][];
        for (int p = 0; p < count; p++) _crossingsFrom[p] = [.. crossings.Where(c => c.From == p).Select(c => c.Crossing)];
    }

    public int Count { get; }
    public long LookaheadPs { get; }

    /// <summary>The partition the calling thread is running (0 outside a split run), for per-partition state.</summary>
    public static int CurrentIndex
    {
        get => t_index;
        internal set => t_index = value;
    }

    /// <summary>
    /// The earliest time at which partition <paramref name="partition"/>, whose next event is at
    /// <paramref name="nextPs"/>, can cause an event in another: a window may run every partition up to the least of
    /// these (Nicol's YAWNS with each partition's own lookahead, docs/sources.md).
    /// </summary>
    public long EarliestOutputPs(int partition, long nextPs)
    {
        long bound = SaturatingAdd(nextPs, LookaheadPs);
        if (_crossingsFrom is null) return bound;
        long earliest = long.MaxValue;
        foreach (var c in _crossingsFrom[partition]) earliest = Math.Min(earliest, c.EarliestCrossingPs(nextPs));
        return Math.Max(bound, earliest);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    public int PartitionOf(int node) =>
        (uint)node < (uint)_partitionOfNode.Length ? _partitionOfNode[node]
            : throw new InvalidOperationException($"parallel run: an event belongs to node {node}, which no partition owns");
}
